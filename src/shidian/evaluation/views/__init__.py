"""Evaluation pages, one module per domain object. Thin: parse, call one service or selector, render."""
