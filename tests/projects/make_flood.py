"""Writes ``data/flood.xlsx``: a valid workbook of one sheet, the 项目编号 header and a million
short rows, about 3 MB packed: under the upload's byte limits, far over the row cap. Committed;
run again only to change it: ``.venv/bin/python tests/projects/make_flood.py``."""

import zipfile
from pathlib import Path

ROWS = 1_000_000
NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006"
SHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml"


PATH = Path(__file__).with_name("data") / "flood.xlsx"


def main(path=PATH):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr(
            "[Content_Types].xml",
            (
                f'<Types xmlns="{PKG}/content-types"><Default Extension="rels" ContentType='
                '"application/vnd.openxmlformats-package.relationships+xml"/>'
                '<Default Extension="xml" ContentType="application/xml"/>'
                '<Override PartName="/xl/workbook.xml" ContentType='
                f'"{SHEET}.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" '
                f'ContentType="{SHEET}.worksheet+xml"/></Types>'
            ),
        )
        archive.writestr(
            "_rels/.rels",
            (
                f'<Relationships xmlns="{PKG}/relationships"><Relationship Id="rId1" '
                f'Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
            ),
        )
        archive.writestr(
            "xl/workbook.xml",
            (
                f'<workbook xmlns="{NS}" xmlns:r="{REL}"><sheets><sheet name="附表1" sheetId="1" '
                'r:id="rId1"/></sheets></workbook>'
            ),
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            (
                f'<Relationships xmlns="{PKG}/relationships"><Relationship Id="rId1" '
                f'Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
            ),
        )
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(
                f'<worksheet xmlns="{NS}"><sheetData><row r="1"><c r="A1" '
                't="inlineStr"><is><t>项目编号</t></is></c></row>'.encode()
            )
            chunk = []
            for row in range(2, ROWS + 2):
                chunk.append(f'<row r="{row}"><c r="A{row}"><v>1</v></c></row>')
                if len(chunk) == 10_000:
                    sheet.write("".join(chunk).encode())
                    chunk = []
            sheet.write(("".join(chunk) + "</sheetData></worksheet>").encode())  # fmt: skip


if __name__ == "__main__":
    main()
