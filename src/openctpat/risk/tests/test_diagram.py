"""Tests for the server-side lane diagram (pure Python, no database)."""

import xml.etree.ElementTree as ET

import pytest

from openctpat.risk.diagram import MODES, NODE_TYPES, DiagramNode, lane_svg

SVG_NS = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG_NS}svg"
    return root


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def texts(root: ET.Element, cls: str | None = None) -> list[str]:
    return [
        "".join(el.itertext())
        for el in root.iter(f"{SVG_NS}text")
        if cls is None or el.get("class") == cls
    ]


def view_box(root: ET.Element) -> tuple[float, float, float, float]:
    x, y, w, h = (float(v) for v in root.get("viewBox").split())
    return x, y, w, h


def arrows(root: ET.Element) -> list[ET.Element]:
    return [el for el in root.iter() if el.get("class") == "arrow"]


def node_groups(root: ET.Element) -> list[ET.Element]:
    return [el for el in root.iter(f"{SVG_NS}g") if el.get("class") == "node"]


def sample_lane() -> list[DiagramNode]:
    return [
        DiagramNode("Shenzhen Bright Toys Co.", "supplier", "CN", activities=["stuffing"]),
        DiagramNode("Yantian CFS", "consolidator", "CN", risk="Medium"),
        DiagramNode("Port of Yantian", "origin_port", "CN"),
        DiagramNode("Maersk", "carrier_leg", "CN", mode="sea", risk="High"),
        DiagramNode("Port of Busan", "transshipment", "KR"),
        DiagramNode("Cathay Cargo", "carrier_leg", "HK", mode="air"),
        DiagramNode("Port of Long Beach", "destination_port", "US"),
        DiagramNode("BNSF", "carrier_leg", "US", mode="rail"),
        DiagramNode("Acme Brokerage", "customs_broker", "US", activities=["document_handling"]),
        DiagramNode("J.B. Hunt", "carrier_leg", "MX", mode="highway"),
        DiagramNode("Riverside DC", "warehouse", "US", risk="low"),
    ]


def test_parses_as_standalone_scalable_svg():
    root = parse(lane_svg("Toys lane", sample_lane()))
    assert root.get("width") == "100%"
    assert len(view_box(root)) == 4
    assert "DejaVu Sans" in root.get("font-family")
    assert "Toys lane" in texts(root, "title")
    assert len(node_groups(root)) == len(sample_lane())


def test_labels_and_title_are_escaped():
    nasty = '<script>&"'
    svg = lane_svg(f"Lane {nasty}", [DiagramNode(nasty, "supplier", "CN", activities=[nasty])])
    root = parse(svg)
    assert "&lt;script&gt;&amp;" in svg
    assert "<script" not in svg
    assert not [el for el in root.iter() if local(el.tag) == "script"]
    assert nasty in texts(root, "label")
    assert nasty in texts(root, "activities")
    assert f"Lane {nasty}" in texts(root, "title")


def test_xml_invalid_characters_are_dropped():
    root = parse(lane_svg("T\x00itle\x1b", [DiagramNode("A\x00B\x07C\ud800", "supplier", "CN")]))
    assert texts(root, "label") == ["ABC"]


def test_each_country_code_appears_with_its_name():
    root = parse(lane_svg("Lane", sample_lane()))
    countries = texts(root, "country")
    for code in {n.country for n in sample_lane()}:
        assert any(c.startswith(f"{code} · ") for c in countries), code
    assert "CN · China" in countries
    assert "KR · South Korea" in countries


def test_unknown_country_falls_back_to_the_code():
    root = parse(
        lane_svg("Lane", [DiagramNode("X", "supplier", "zz"), DiagramNode("Y", "other", "")])
    )
    assert texts(root, "country") == ["ZZ", "Unknown country"]


@pytest.mark.parametrize("n", [1, 2, 5, 6, 11, 23])
def test_n_minus_one_arrows(n):
    nodes = [DiagramNode(f"Node {i}", "supplier", "CN") for i in range(n)]
    root = parse(lane_svg("Lane", nodes, per_row=5))
    found = arrows(root)
    assert len(found) == n - 1
    assert [(a.get("data-from"), a.get("data-to")) for a in found] == [
        (str(i), str(i + 1)) for i in range(1, n)
    ]


def test_csp_safe_markup_only():
    svg = lane_svg("Lane", sample_lane() + [DiagramNode("Z", "weird", "DE", mode="blimp")])
    root = parse(svg)
    forbidden_tags = {"style", "script", "foreignObject", "image", "use", "a", "iframe"}
    for el in root.iter():
        assert local(el.tag) not in forbidden_tags
        assert "style" not in el.attrib
        assert "id" not in el.attrib
        for name, value in el.attrib.items():
            assert not local(name).lower().startswith("on"), name
            assert "href" not in name.lower()
            assert "url(" not in value
    assert "style=" not in svg
    assert "<style" not in svg


def test_wrapping_adds_rows():
    nodes = [DiagramNode(f"Node {i}", "warehouse", "US") for i in range(7)]
    one_row = parse(lane_svg("Lane", nodes, per_row=10))
    three_rows = parse(lane_svg("Lane", nodes, per_row=3))
    assert view_box(three_rows)[3] > view_box(one_row)[3]
    assert view_box(three_rows)[2] < view_box(one_row)[2]
    assert three_rows.get("data-rows") == "3"

    def box_rows(root):
        return {
            g.find(f"{SVG_NS}rect").get("y")
            for g in node_groups(root)  # the box is first
        }

    assert len(box_rows(one_row)) == 1
    assert len(box_rows(three_rows)) == 3
    # Still n - 1 arrows, including the two wrap connectors.
    assert len(arrows(three_rows)) == 6


def test_per_row_must_be_positive():
    with pytest.raises(ValueError):
        lane_svg("Lane", [DiagramNode("A", "supplier", "CN")], per_row=0)


def test_icons_per_type_and_mode():
    nodes = [DiagramNode(t, t, "CN") for t in NODE_TYPES if t != "carrier_leg"]
    nodes += [DiagramNode(m, "carrier_leg", "CN", mode=m) for m in MODES]
    root = parse(lane_svg("Lane", nodes))
    icons = {n.label: g.get("data-icon") for n, g in zip(nodes, node_groups(root), strict=True)}
    assert icons == {
        **dict.fromkeys(("supplier", "manufacturer"), "factory"),
        "consolidator": "boxes",
        **dict.fromkeys(("origin_port", "transshipment", "destination_port"), "anchor"),
        "customs_broker": "document",
        "warehouse": "warehouse",
        "other": "generic",
        **{"sea": "ship", "air": "plane", "rail": "train", "highway": "truck"},
    }
    # Icons are drawn with primitives only: no text inside an icon group.
    for g in root.iter(f"{SVG_NS}g"):
        if g.get("class") == "icon":
            assert g.find(f".//{SVG_NS}text") is None
            assert len(list(g)) > 0


@pytest.mark.parametrize(
    "node",
    [
        DiagramNode("Mystery", "spaceport", "US"),
        DiagramNode("Blimp", "carrier_leg", "US", mode="zeppelin"),
        DiagramNode("No mode", "carrier_leg", "US"),
        DiagramNode("Nothing", "", "", mode=None, activities=[], risk="extreme"),
    ],
)
def test_unknown_type_or_mode_uses_generic_icon(node):
    root = parse(lane_svg("Lane", [node]))
    (group,) = node_groups(root)
    assert group.get("data-icon") == "generic"
    assert "data-risk" not in group.attrib


def test_risk_sets_border_colour():
    nodes = [
        DiagramNode("H", "supplier", "CN", risk="High"),
        DiagramNode("M", "supplier", "CN", risk="medium"),
        DiagramNode("L", "supplier", "CN", risk="LOW"),
        DiagramNode("N", "supplier", "CN"),
    ]
    root = parse(lane_svg("Lane", nodes))
    groups = node_groups(root)
    assert [g.get("data-risk") for g in groups] == ["high", "medium", "low", None]
    strokes = [g.find(f"{SVG_NS}rect").get("stroke") for g in groups]
    assert len(set(strokes)) == 4
    assert "High risk" in texts(root)


@pytest.mark.parametrize(
    "label",
    [
        "Guangdong Provincial Consolidated Export Logistics Holding Group Company Limited",
        "W" * 200,  # unbroken
        "深圳明亮玩具有限公司" * 10,  # wide
        "x" * 5000,
    ],
)
def test_long_labels_are_truncated_to_two_lines(label):
    root = parse(lane_svg("Lane", [DiagramNode(label, "consolidator", "CN")]))
    lines = texts(root, "label")
    assert len(lines) == 2 and lines[-1].endswith("…")
    assert all(len(line) <= 28 for line in lines)
    assert label not in texts(root)


def test_short_label_is_kept_whole():
    root = parse(lane_svg("Lane", [DiagramNode("Port of Busan", "transshipment", "KR")]))
    assert texts(root, "label") == ["Port of Busan"]


def test_activities_shown_in_small_text():
    node = DiagramNode("A", "supplier", "CN", activities=["stuffing", "sealing"])
    root = parse(lane_svg("Lane", [node]))
    assert texts(root, "activities") == ["stuffing, sealing"]
    (el,) = [e for e in root.iter(f"{SVG_NS}text") if e.get("class") == "activities"]
    (label,) = [e for e in root.iter(f"{SVG_NS}text") if e.get("class") == "label"]
    assert float(el.get("font-size")) < float(label.get("font-size"))


def test_deterministic():
    first = lane_svg("Lane", sample_lane(), per_row=4)
    assert all(lane_svg("Lane", sample_lane(), per_row=4) == first for _ in range(3))


def test_empty_lane():
    svg = lane_svg("Empty <lane>", [])
    root = parse(svg)
    assert "No nodes yet" in texts(root)
    assert "Empty <lane>" in texts(root)
    assert root.get("width") == "100%"
    assert view_box(root)[3] <= 200
    assert not arrows(root)


def test_200_nodes_draw_every_box_and_arrow():
    """Speed is measured in bench/, not asserted here."""
    nodes = [
        DiagramNode(f"Node {i} with a fairly long name to wrap", NODE_TYPES[i % 10], "CN")
        for i in range(200)
    ]
    root = parse(lane_svg("Big lane", nodes))
    assert len(node_groups(root)) == 200
    assert len(arrows(root)) == 199
