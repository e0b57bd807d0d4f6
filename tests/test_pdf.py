"""The printed form: render real forms, read the PDF back with pypdf, check the text."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

sys.path.insert(0, str(Path(__file__).resolve().parent / "fixtures"))

from jixiao.reports import fonts  # noqa: E402
from jixiao.reports.form_pdf import render_form  # noqa: E402
from jixiao.scoring.loading import score_file  # noqa: E402
from pdf_forms import INJECTIONS, SEED, big_form_text, injection_form_text  # noqa: E402

FIXTURES = Path(__file__).resolve().parent / "fixtures"
PROJECT = FIXTURES / "project-2023.toml"


def squash(text: str) -> str:
    """Text without whitespace: table cells wrap anywhere in CJK text."""
    return re.sub(r"\s+", "", text)


def pdf_pages(path: Path) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(str(path)).pages]


def render(tmp_path: Path, form: Path, name: str = "out.pdf", **kw: object) -> tuple[Path, list[str], list[str]]:
    result = score_file(form)
    out = tmp_path / name
    warnings = render_form(result, out, **kw)  # type: ignore[arg-type]
    return out, warnings, pdf_pages(out)


@pytest.mark.needs_cjk_font
def test_seed_form_prints_everything_the_engine_computed(tmp_path: Path) -> None:
    result = score_file(SEED)
    out, warnings, pages = render(tmp_path, SEED, review=True)
    assert warnings == []  # a TrueType CJK font is installed in the test environment
    text = squash("".join(pages))
    assert "2021年度部门整体支出绩效自评表" in text
    assert "部门名称株洲市社会保险服务中心" in text
    for label in ("年初预算数", "全年预算数", "全年执行数", "执行率", "年度资金总额", "其中：当年财政拨款", "上年结转资金", "其他资金"):
        assert label in text
    assert "1366.77" in text and "1387.53" in text and "100.00%" in text
    assert "预期目标" in text and "实际完成情况" in text and "全部完成" in text
    for head in ("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "偏差原因分析及改进措施"):
        assert head in text
    assert "产出指标（50分）" in text and "效益指标（30分）" in text and "满意度指标（10分）" in text
    for ind in result.indicators:
        assert squash(ind.name) in text, ind.name
        assert squash(ind.target) in text and squash(ind.actual) in text
    assert text.count("12.50") >= 8 and text.count("7.50") >= 8
    # computed scores, the unit's own marked where it differs
    assert "10.00（填报9.50）" in text
    assert "总分100.00100.00（填报99.50）等级：优" in text
    assert "90分（含）—100分为优" in text and "60分以下为差" in text
    for label in ("填表人", "联系电话", "单位负责人", "填报日期", "单位（盖章）"):
        assert label in text
    n = len(pages)
    for i, page in enumerate(pages, 1):
        assert f"第 {i} 页 共 {n} 页" in page
    # the error finding is listed on the last page
    assert "复算发现的错误" in pages[-1] and "得分与复算不符" in pages[-1]  # score-mismatch, by its title
    assert "score-mismatch" not in pages[-1].replace(" ", "") and not re.search(r"第\s*\d+\s*行", pages[-1])
    assert "复算发现的错误" not in "".join(pages[:-1])


def test_no_findings_page_when_asked(tmp_path: Path) -> None:
    _, _, pages = render(tmp_path, SEED, findings=False)
    assert "复算发现的错误" not in "".join(pages)
    assert f"共 {len(pages)} 页" in pages[-1]


def test_submission_copy_prints_the_units_own_scores_and_no_tool_text(tmp_path: Path) -> None:
    _, _, pages = render(tmp_path, SEED)
    text = squash("".join(pages))
    assert "（填报" not in text
    for tool in ("jixiao", "规则集", "复算", "由jixiao生成"):
        assert tool not in text, tool
    assert "参保人满意度大于等于95%大于95%10.009.50" in text
    assert "总分100.0099.50等级：优" in text


def _fill_colours(path: Path) -> set[tuple[float, float, float]]:
    found = set()
    for page in PdfReader(str(path)).pages:
        content = page.get_contents().get_data().decode("latin-1")  # type: ignore[union-attr]
        for r, g, b in re.findall(r"([\d.]+) ([\d.]+) ([\d.]+) rg", content):
            found.add((round(float(r), 2), round(float(g), 2), round(float(b), 2)))
    return found


def test_claimed_score_that_differs_is_printed_in_a_distinct_colour(tmp_path: Path) -> None:
    from jixiao.reports.form_pdf import CLAIMED_COLOUR

    colour = tuple(round(int(CLAIMED_COLOUR[i : i + 2], 16) / 255, 2) for i in (1, 3, 5))
    out, _, _ = render(tmp_path, SEED, review=True)
    assert colour in _fill_colours(out)
    # a form whose claimed scores all agree has the colour only in the explanation line
    agree = tmp_path / "agree.toml"
    agree.write_text(SEED.read_text(encoding="utf-8").replace("claimed = 9.5", "claimed = 10").replace("total = 99.50", "total = 100"), encoding="utf-8")
    _, _, pages = render(tmp_path, agree, name="agree.pdf", review=True)
    assert "（填报" not in squash("".join(pages)).replace("（填报…）", "")


def test_project_form_has_project_header_and_signoff(tmp_path: Path) -> None:
    result = score_file(PROJECT)
    _, _, pages = render(tmp_path, PROJECT)
    text = squash("".join(pages))
    assert "2023年度项目支出绩效自评表" in text
    assert "项目名称城乡居民基本养老保险经办专项" in text
    assert "主管部门某市人力资源和社会保障局" in text
    assert "实施单位某市城乡居民养老保险服务中心" in text
    assert "上年结转资金0.005.794.20" in text
    assert "89.98%" in text  # 48.4 / 53.79
    for ind in result.indicators:
        assert squash(ind.name) in text
    for label in ("填表人：王五", "联系电话：0731-12345678", "项目负责人：赵六", "财务负责人：钱七", "填报日期：2024-03-15"):
        assert label in text
    assert "单位负责人" not in text
    assert "总分100.0099.00等级：优" in text
    assert "复算发现的错误" not in text  # no error findings


def test_markup_in_user_text_prints_literally_and_pulls_in_nothing(tmp_path: Path) -> None:
    form = tmp_path / "inject.toml"
    form.write_text(injection_form_text(), encoding="utf-8")
    out, _, pages = render(tmp_path, form)
    text = squash("".join(pages))
    for s in INJECTIONS:
        assert squash(s) in text, s
    assert squash("单位<b>甲</b>&乙") in text
    assert squash("满意度<i>x</i>") in text
    assert squash('完成<img src="/etc/passwd"/>') in text
    assert squash("<u>张三</u>&李四") in text
    reader = PdfReader(str(out))
    for page in reader.pages:
        xobjects = page["/Resources"].get("/XObject") or {}
        for obj in xobjects.values():
            assert obj.get_object().get("/Subtype") != "/Image"
    assert b"root:x:0:0" not in out.read_bytes()


@pytest.mark.slow
def test_two_hundred_indicators_with_long_notes_render(tmp_path: Path) -> None:
    form = tmp_path / "big.toml"
    form.write_text(big_form_text(200, 2000), encoding="utf-8")
    result = score_file(form)
    assert len(result.indicators) == 200
    out = tmp_path / "big.pdf"
    render_form(result, out)
    pages = pdf_pages(out)
    n = len(pages)
    assert n > 100  # 200 notes of 2,000 characters each need several pages apiece
    text = squash("".join(pages))
    for i in range(1, 201):
        assert f"长表指标{i:03d}" in text
    for i, page in enumerate(pages, 1):
        assert f"第 {i} 页 共 {n} 页" in page
        assert "偏差原因分析及改进措施" in page  # the header row on every page
    # the notes are complete: the end of the last one is there
    last_note = result.indicators[-1].note
    assert squash(last_note[-30:]) in text
    assert "总分" in pages[-1] and "单位（盖章）" in pages[-1]


def test_long_form_keeps_category_groups_together_and_repeats_header(tmp_path: Path) -> None:
    form = tmp_path / "medium.toml"
    form.write_text(big_form_text(60, 10), encoding="utf-8")  # one-line rows: a group fits a page
    out, _, pages = render(tmp_path, form)
    assert len(pages) >= 2
    where: dict[int, set[int]] = {}
    for p, page in enumerate(pages):
        for m in re.finditer(r"长表指标(\d{3})", page):
            where.setdefault(int(m.group(1)), set()).add(p)
    assert sorted(where) == list(range(1, 61))
    # three 一级 groups of 20 rows; each fits on a page, so each is on one page
    for lo in (1, 21, 41):
        pages_of_group = set().union(*(where[i] for i in range(lo, lo + 20)))
        assert len(pages_of_group) == 1, (lo, pages_of_group)
    for p, page in enumerate(pages):
        if any(p in ps for ps in where.values()):
            assert "偏差原因分析及改进措施" in page


def test_long_goal_text_breaks_across_pages(tmp_path: Path) -> None:
    text = SEED.read_text(encoding="utf-8")
    long = "为养老保险提供服务保障。" * 400
    text = text.replace('achieved = "全部完成"', f'achieved = "{long}"')
    form = tmp_path / "goal.toml"
    form.write_text(text, encoding="utf-8")
    _, _, pages = render(tmp_path, form)
    assert len(pages) >= 3
    for page in pages:  # the goal's header row comes again on every page it runs over
        if "为养老保险提供服务保障" in page:
            assert "实际完成情况" in page
    # a sentence cut by a page break is interrupted by the footer text
    assert squash("".join(pages)).count("为养老保险提供服务保障。") >= 400 - len(pages)


def test_fallback_font_warns_and_still_renders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fonts, "find_cjk_font", lambda explicit=None: None)
    monkeypatch.setattr(fonts, "_registered", {})
    out, warnings, pages = render(tmp_path, SEED)
    assert len(warnings) == 1
    assert "STSong-Light" in warnings[0] and "fonts-wqy-zenhei" in warnings[0]
    assert len(pages) >= 1 and out.read_bytes().startswith(b"%PDF")
    fonts_used = {
        str(f.get_object().get("/BaseFont"))
        for page in PdfReader(str(out)).pages
        for f in (page["/Resources"].get("/Font") or {}).values()
    }
    assert any("STSong-Light" in f for f in fonts_used)


def test_unusable_font_path_is_a_chinese_error(tmp_path: Path) -> None:
    result = score_file(SEED)
    with pytest.raises(ValueError, match="无法使用该字体"):
        render_form(result, tmp_path / "x.pdf", font=str(tmp_path / "nope.ttf"))
    assert not (tmp_path / "x.pdf").exists()


def test_digest_and_qr_code_on_every_page_and_in_metadata(tmp_path: Path) -> None:
    from jixiao.indicators.digest import form_digest

    result = score_file(SEED)
    digest = form_digest(result.form)
    out, _, pages = render(tmp_path, SEED)
    reader = PdfReader(str(out))
    assert f"jixiao-sha256:{digest}" in str(reader.metadata.get("/Keywords"))
    assert digest in str(reader.metadata.get("/Subject"))
    for page, text in zip(reader.pages, pages):
        assert f"内容摘要 SHA-256：{digest[:16]}" in text
        xobjects = page["/Resources"].get("/XObject") or {}
        assert any("jixiaoDigestQR" in str(k) for k in xobjects)


def test_the_qr_code_encodes_the_full_digest(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from jixiao.indicators.digest import form_digest
    from jixiao.reports import form_pdf

    seen: list[str] = []
    real = form_pdf._qr_modules

    def spy(text: str, best_mask: bool = True):  # type: ignore[no-untyped-def]
        seen.append(text)
        return real(text, best_mask)

    monkeypatch.setattr(form_pdf, "_qr_modules", spy)
    render(tmp_path, SEED)
    digest = form_digest(score_file(SEED).form)
    assert seen == [f"JIXIAO:SHA256:{digest.upper()}"] == [form_pdf.qr_payload(digest)]
    # what a phone reads from the code is accepted by jixiao verify
    from jixiao.indicators.digest import normalize_digest

    assert normalize_digest(seen[0]) == digest


def test_the_qr_code_is_version_4_alphanumeric() -> None:
    from jixiao.reports.form_pdf import _qr_modules, qr_payload

    modules = _qr_modules(qr_payload("ab" * 32))
    assert len(modules) == 33 and all(len(row) == 33 for row in modules)
    # the three finder patterns are where a reader looks for them
    for r0, c0 in ((0, 0), (0, 26), (26, 0)):
        assert [modules[r0][c0 + i] for i in range(7)] == [True] * 7
        assert [modules[r0 + 2][c0 + i] for i in range(7)] == [True, False, True, True, True, False, True]


def test_render_writes_atomically_and_keeps_old_file_on_failure(tmp_path: Path) -> None:
    result = score_file(SEED)
    out = tmp_path / "keep.pdf"
    out.write_bytes(b"old")
    with pytest.raises(ValueError):
        render_form(result, out, font=str(tmp_path / "missing.ttf"))
    assert out.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["keep.pdf"]


LONG = "很长的文字" * 600  # 3,000 characters, taller than a page in any column


@pytest.mark.parametrize(
    "old,field",
    [
        ('name = "株洲市社会保险服务中心"', "name"),
        ('category = "产出指标"', "category"),
        ('subcategory = "数量指标"', "subcategory"),
        ('name = "参保人满意度"', "name"),
        ('target = "31.88万人"', "target"),
        ('filled_by = ""', "filled_by"),
        ('grade = "优"', "grade"),
        ('expected = "为养老保险提供服务保障。', "expected"),
    ],
)
@pytest.mark.slow
def test_absurdly_long_text_in_any_field_still_renders(tmp_path: Path, old: str, field: str) -> None:
    text = SEED.read_text(encoding="utf-8")
    assert old in text
    if field == "expected":
        new = f'expected = "{LONG}为养老保险提供服务保障。'
    elif field == "category":
        new = f'category = "产出{LONG}"'
    else:
        new = f'{field} = "{LONG}"'
    form = tmp_path / "long.toml"
    form.write_text(text.replace(old, new, 1), encoding="utf-8")
    _, _, pages = render(tmp_path, form)
    n = len(pages)
    for i, page in enumerate(pages, 1):
        assert f"第 {i} 页 共 {n} 页" in page
    joined = squash("".join(pages))
    assert "单位（盖章）" in joined and "总分" in joined
    if field in ("category", "subcategory", "target", "expected") or old == 'name = "参保人满意度"':
        # printed in full: every character is somewhere (page footers interrupt it)
        assert joined.count("很长的文字") >= 600 - 2 * n


def test_form_without_indicators_prints_totals(tmp_path: Path) -> None:
    text = SEED.read_text(encoding="utf-8").split("[[indicators]]")[0] + "[claimed]\ntotal = 10\n"
    form = tmp_path / "empty.toml"
    form.write_text(text, encoding="utf-8")
    _, _, pages = render(tmp_path, form)
    joined = squash("".join(pages))
    assert "总分" in joined and "单位（盖章）" in joined


def test_line_breaks_in_a_note_are_kept(tmp_path: Path) -> None:
    text = SEED.read_text(encoding="utf-8").replace('claimed = 9.5\nnote = ""', 'claimed = 9.5\nnote = "第一行\\n第二行"')
    form = tmp_path / "nl.toml"
    form.write_text(text, encoding="utf-8")
    _, _, pages = render(tmp_path, form)
    assert "第一行\n第二行" in "".join(pages)
