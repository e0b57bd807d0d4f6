"""Widgets and modals of ``jixiao edit``: one per file.

Widgets show a result and send messages; they never compute a score.
"""
