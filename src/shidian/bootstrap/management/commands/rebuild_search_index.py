"""Rebuild the full-text search index from the published experiences, accepted reports and issued bulletins."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from shidian.bootstrap.search_index import rebuild_search_index


class Command(BaseCommand):
    help = "重建全文检索索引（典型经验、已接收的试点报告、已印发的评估通报）。可重复执行。"

    def handle(self, *args: Any, **options: Any) -> None:
        counts = rebuild_search_index()
        self.stdout.write(
            self.style.SUCCESS(
                "检索索引已重建：典型经验 {experiences} 条，试点报告 {reports} 份，评估通报 {bulletins} 份。".format(
                    **counts
                )
            )
        )
