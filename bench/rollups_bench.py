"""stub"""


def run(**kwargs):
    return []
