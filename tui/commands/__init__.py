"""Subcommands that live in their own modules; each has ``register(subparsers)``.

A module here imports only the standard library at module level; Textual,
ReportLab and openpyxl are imported inside the function that runs the
command, so that ``jixiao score`` stays fast.
"""
