"""CJK fonts for ReportLab.

Prefer a TrueType font (``.ttf``/``.ttc``) found on the system or given with
``--font``: it is embedded (subset) in the PDF, so the printout is the same on
every machine.  Otherwise fall back to ReportLab's ``STSong-Light`` CID font,
which embeds nothing and depends on the viewer's fonts: the caller gets a
warning to show.  OpenType/CFF fonts (Noto CJK ``.otf``) cannot be used by
ReportLab.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["FontChoice", "find_cjk_font", "register_cjk_font", "CANDIDATES", "FALLBACK_CID"]

FALLBACK_CID = "STSong-Light"

# Usual Debian/Ubuntu locations, best first.  The package that provides each:
#   fonts-wqy-zenhei, fonts-wqy-microhei, fonts-arphic-uming, fonts-arphic-ukai, fonts-droid-fallback
CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/arphic/ukai.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/noto/NotoSansSC-Regular.ttf",
    "/System/Library/Fonts/PingFang.ttc",
    "C:/Windows/Fonts/simsun.ttc",
    "C:/Windows/Fonts/msyh.ttc",
)


@dataclass(frozen=True)
class FontChoice:
    name: str  # the ReportLab font name to use in styles
    path: str | None  # the TrueType file, None for the CID fallback
    embedded: bool
    warning: str = ""


def find_cjk_font(explicit: str | None = None) -> str | None:
    """The path of a usable TrueType CJK font, or None."""
    if explicit:
        return explicit
    for candidate in CANDIDATES:
        if Path(candidate).is_file():
            return candidate
    return None


_registered: dict[str | None, FontChoice] = {}


def register_cjk_font(explicit: str | None = None) -> FontChoice:
    """Register a CJK font with ReportLab (once per process) and say which.

    Raises ``ValueError`` with a Chinese message when ``explicit`` is given
    but cannot be used.
    """
    if explicit in _registered:
        return _registered[explicit]
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfbase.ttfonts import TTFont

    path = find_cjk_font(explicit)
    choice: FontChoice | None = None
    if path:
        try:
            kwargs = {"subfontIndex": 0} if path.lower().endswith(".ttc") else {}
            pdfmetrics.registerFont(TTFont("JixiaoCJK", path, **kwargs))
            choice = FontChoice("JixiaoCJK", path, True)
        except Exception as exc:  # ReportLab raises TTFError and others
            if explicit:
                raise ValueError(
                    f"{explicit}：无法使用该字体（{exc}）。请给出 TrueType 字体（.ttf 或 .ttc）；OpenType/CFF（.otf）字体不能嵌入。"
                ) from None
    if choice is None:
        pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_CID))
        choice = FontChoice(
            FALLBACK_CID,
            None,
            False,
            "未找到可嵌入的 TrueType 中文字体，PDF 使用 STSong-Light（不嵌入字体，显示效果取决于阅读器）。"
            "如需打印稳定的 PDF，请安装 fonts-wqy-zenhei（sudo apt-get install fonts-wqy-zenhei）或用 --font 指定字体文件。",
        )
    _registered[explicit] = choice
    return choice
