"""CJK fonts for ReportLab.

Prefer a TrueType font (``.ttf``/``.ttc``) found on the system or given with
``--font``: it is embedded (subset) in the PDF, so the printout is the same on
every machine.  Otherwise fall back to ReportLab's ``STSong-Light`` CID font,
which embeds nothing and depends on the viewer's fonts: the caller gets a
warning to show.  OpenType/CFF fonts (Noto CJK ``.otf``) cannot be used by
ReportLab.

A font must have the glyphs of what is printed: one without Chinese
(DejaVuSans) would print every character as a box.  ``register_cjk_font``
refuses a ``--font`` that lacks the characters of jixiao's own labels, and
skips such a font when searching; :func:`missing_glyphs` tells which
characters of a form's text a font lacks, so the printer can refuse before
printing boxes.

``JIXIAO_FONT_PATH`` (file paths separated by ``os.pathsep``) replaces the
list of places searched; set to the empty string, no font is found (how the
tests simulate a machine without a Chinese font).
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "FontChoice",
    "find_cjk_font",
    "register_cjk_font",
    "missing_glyphs",
    "missing_glyphs_message",
    "candidates",
    "usable_cjk_font",
    "CANDIDATES",
    "SONG_CANDIDATES",
    "FALLBACK_CID",
    "LABEL_CHARS",
    "FONT_PATH_ENV",
]

FALLBACK_CID = "STSong-Light"
FONT_PATH_ENV = "JIXIAO_FONT_PATH"

# Best first.  Official forms are set in a Song (宋体/仿宋) style: a TrueType Song or
# Ming font comes first (Debian fonts-arphic-uming, "AR PL UMing CN", the first
# face of uming.ttc; Windows SimSun and FangSong), then the sans-serif fallbacks
# (fonts-wqy-zenhei, fonts-wqy-microhei, fonts-arphic-ukai, fonts-droid-fallback).
SONG_CANDIDATES = (
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "C:/Windows/Fonts/simsun.ttc",
    "C:/Windows/Fonts/simfang.ttf",
)
CANDIDATES = SONG_CANDIDATES + (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/arphic/ukai.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/noto/NotoSansSC-Regular.ttf",
    "/System/Library/Fonts/PingFang.ttc",
    "C:/Windows/Fonts/msyh.ttc",
    # Windows: 仿宋, 黑体, 楷体, in every Chinese Windows
    "C:/Windows/Fonts/simfang.ttf",
    "C:/Windows/Fonts/simhei.ttf",
    "C:/Windows/Fonts/simkai.ttf",
)

# Characters of jixiao's own printed labels (form and review report): a font
# that lacks any of them cannot print a form at all.
LABEL_CHARS = (
    "预算绩效自评表年度部门整体项目支出名称主管实施单位资金情况来源初全执行数分值率得"
    "总额其中当财政拨款上结转他目标期完成一级二三指标实际偏差原因析及改进措施等"
    "填报人联系电话负责务日盖章第页共内容摘要核对文件规则集由生复算发现的错误"
    "汇逐份说明产效益满意度数量质时成本优良中差（）：，。、—…“”％×≥≤"
)


def candidates() -> tuple[str, ...]:
    """The font files searched, best first: ``JIXIAO_FONT_PATH`` when set, else :data:`CANDIDATES`."""
    env = os.environ.get(FONT_PATH_ENV)
    if env is not None:
        return tuple(p for p in env.split(os.pathsep) if p)
    return CANDIDATES


@dataclass(frozen=True)
class FontChoice:
    name: str  # the ReportLab font name to use in styles
    path: str | None  # the TrueType file, None for the CID fallback
    embedded: bool
    warning: str = ""


def _needs_glyph(ch: str) -> bool:
    """Whether printing ``ch`` needs a glyph: not for line breaks, controls, format characters."""
    return unicodedata.category(ch)[0] not in "CZ"


def missing_glyphs(choice: FontChoice, text: Iterable[str]) -> list[str]:
    """The characters of ``text`` (sorted, each once) that the font of ``choice`` has no glyph for.

    Only an embedded TrueType font is checked: the CID fallback's glyphs are
    the reader's.
    """
    if not choice.embedded:
        return []
    from reportlab.pdfbase import pdfmetrics

    cmap = pdfmetrics.getFont(choice.name).face.charToGlyph
    chars = set().union(*(set(t) for t in text))
    return sorted(ch for ch in chars if ord(ch) not in cmap and _needs_glyph(ch))


def missing_glyphs_message(path: str, missing: list[str], *, labels: bool = False) -> str:
    """The refusal: which font, how many characters it lacks and a few of them, what to do."""
    shown = "".join(f"“{ch}”" for ch in missing[:8]) + ("等" if len(missing) > 8 else "")
    if labels:
        what = f"该字体没有中文字形（缺少表格标签中 {len(missing)} 个字符，如{shown}）"
        advice = "如 fonts-wqy-zenhei 的 /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
    else:
        what = f"该字体缺少表单中 {len(missing)} 个字符的字形（{shown}）"
        advice = "或把这些字改为常用字"
    return (
        f"{path}：{what}，印出来会是方框，未打印。"
        f"请用 --font 指定含这些字的 TrueType 中文字体（.ttf 或 .ttc），{advice}。"
    )


def find_cjk_font(explicit: str | None = None) -> str | None:
    """``explicit``, or the first font searched that loads and has the glyphs of
    :data:`LABEL_CHARS` (one without Chinese is skipped), or None."""
    if explicit:
        return explicit
    for path in candidates():
        if Path(path).is_file():
            try:
                _, lacking = _load(path)
            except Exception:  # not a font ReportLab can read
                continue
            if not lacking:
                return path
    return None


def usable_cjk_font() -> str | None:
    """The font file :func:`register_cjk_font` would embed when none is named, or None (the CID fallback)."""
    return find_cjk_font(None)


_registered: dict[str | None, FontChoice] = {}


_loaded: dict[str, tuple[object, list[str]]] = {}


def _load(path: str) -> tuple[object, list[str]]:
    """The TTFont of ``path`` (loaded once per process) and the label characters it lacks;
    raises what ReportLab raises."""
    if path in _loaded:
        return _loaded[path]
    from reportlab.pdfbase.ttfonts import TTFont

    name = f"JixiaoCJK{len(_loaded) or ''}"  # one name per file
    kwargs = {"subfontIndex": 0} if path.lower().endswith(".ttc") else {}
    font = TTFont(name, path, **kwargs)
    cmap = font.face.charToGlyph
    _loaded[path] = font, sorted({ch for ch in LABEL_CHARS if ord(ch) not in cmap}, key=LABEL_CHARS.index)
    return _loaded[path]


def register_cjk_font(explicit: str | None = None) -> FontChoice:
    """Register a CJK font with ReportLab (once per process) and say which.

    The font searched for is the first candidate that exists, loads and has
    the glyphs of :data:`LABEL_CHARS`; one that lacks them is skipped.  Raises
    ``ValueError`` with a Chinese message when ``explicit`` is given but
    cannot be used (not a TrueType font, or without Chinese glyphs).
    """
    if explicit in _registered:
        return _registered[explicit]
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    found = find_cjk_font(explicit)
    paths = [found] if found else []
    choice: FontChoice | None = None
    for path in paths:
        try:
            font, lacking = _load(path)
        except Exception as exc:  # ReportLab raises TTFError and others
            if explicit:
                raise ValueError(
                    f"{explicit}：无法使用该字体（{exc}）。请给出 TrueType 字体（.ttf 或 .ttc）；OpenType/CFF（.otf）字体不能嵌入。"
                ) from None
            continue
        if lacking:
            if explicit:
                raise ValueError(missing_glyphs_message(explicit, lacking, labels=True))
            continue
        pdfmetrics.registerFont(font)
        choice = FontChoice(font.fontName, path, True)  # type: ignore[attr-defined]
        break
    if choice is None:
        pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_CID))
        choice = FontChoice(
            FALLBACK_CID,
            None,
            False,
            "未找到可嵌入的 TrueType 中文字体，PDF 使用 STSong-Light（不嵌入字体，显示效果取决于阅读器）。"
            "如需打印稳定的 PDF，请安装宋体 fonts-arphic-uming 或 fonts-wqy-zenhei（sudo apt-get install fonts-arphic-uming fonts-wqy-zenhei）或用 --font 指定字体文件。",
        )
    _registered[explicit] = choice
    return choice
