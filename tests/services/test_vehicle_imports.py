"""The stock and price-list imports on messy files as DMSs and manufacturers write them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from app.db import models as m
from app.db.connection import transaction
from app.domain import csv_text, vin
from app.services import vehicle_imports as imports
from app.services.errors import NotAllowed
from tests import factories
from tests.people import add_user, sign_in_as

STOCK, CATALOGUE = imports.STOCK, imports.CATALOGUE


def good_vin(serial: int, wmi: str = "WVW") -> str:
    """A well-formed VIN with its check digit (European makers' too, to be strict)."""
    return vin.with_check_digit(f"{wmi}ZZZ1KZ0{serial:07d}"[:17])


def write(tmp_path: Path, text: str, encoding: str = "utf-8", name: str = "f.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def run(path: Path, kind: str = STOCK, **options: object) -> imports.ImportResult:
    file = imports.read_file(path, kind)
    mapping = imports.propose_mapping(file)
    return imports.run_import(file, mapping, imports.formats(file, mapping), **options)  # type: ignore[arg-type]


def catalogue(*models: tuple[str, str]) -> None:
    with transaction():
        for i, (brand, model) in enumerate(models):
            m.CatalogueEntry.create(
                brand=brand, vehicle_class="Car", model=model, model_code=f"C{i}", variant=""
            )


GERMAN_HEADER = "FIN;Kommissionsnummer;Marke;Modell;Listenpreis;Erstzulassung;km-Stand;Farbe\r\n"


def german_row(
    serial: int,
    price: str = "31.490,00",
    reg: str = "03.2021",
    km: str = "45.000",
    colour: str = "Blau",
) -> str:
    return f"{good_vin(serial)};K{serial};VW;Golf;{price};{reg};{km};{colour}\r\n"


def test_a_german_windows_1252_export_with_a_bom_less_semicolon_file_imports(db, tmp_path):
    catalogue(("VW", "Golf"))
    text = GERMAN_HEADER + german_row(1, colour="Weiß") + german_row(2, "1.234.567,5", "15.03.2020")
    path = write(tmp_path, text, "cp1252")
    file = imports.read_file(path, STOCK)
    assert file.format.encoding == csv_text.WINDOWS_1252
    assert file.format.separator == ";"
    assert file.format.decimal == csv_text.DECIMAL_COMMA
    assert file.format.dates == csv_text.DAY_MONTH_YEAR
    result = run(path)
    assert (result.added, result.refused) == (2, [])
    first = m.Vehicle.get(m.Vehicle.stock_number == "K1")
    assert first.colour == "Weiß"
    assert first.list_price_minor == 3_149_000
    assert first.first_registration == date(2021, 3, 1)
    assert first.mileage_km == 45_000
    assert first.condition == "used"
    second = m.Vehicle.get(m.Vehicle.stock_number == "K2")
    assert second.list_price_minor == 123_456_750
    assert second.first_registration == date(2020, 3, 15)


def test_utf8_bom_and_comma_with_italian_headers(db, tmp_path):
    catalogue(("Fiat", "Panda"))
    text = (
        "Telaio,Numero di stock,Marca,Modello,Prezzo di listino,Immatricolazione,Chilometraggio,"
        "Colore\n"
        f'{good_vin(7, "ZFA")},S7,Fiat,Panda,"15,990.00",2022-05-01,"12,000",Rosso\n'
    )
    path = write(tmp_path, "\ufeff" + text)
    file = imports.read_file(path, STOCK)
    assert file.format.encoding == csv_text.UTF8_BOM
    assert file.format.separator == ","
    assert file.header[0] == "Telaio"  # the BOM is not part of the first header
    result = run(path)
    assert (result.added, result.refused) == (1, [])
    car = m.Vehicle.get()
    assert (car.list_price_minor, car.mileage_km, car.colour) == (1_599_000, 12_000, "Rosso")


def test_bad_rows_are_named_by_line_and_reason_and_the_good_ones_imported(db, tmp_path):
    catalogue(("VW", "Golf"))
    bad_digit = good_vin(3, "1VW")
    bad_digit = bad_digit[:8] + ("0" if bad_digit[8] != "0" else "1") + bad_digit[9:]
    text = (
        GERMAN_HEADER
        + german_row(1)  # line 2: good
        + "WVWZZZ1KZ0I000001;K9;VW;Golf;1,00;;;\r\n"  # line 3: an I in the VIN
        + "WVWZZZ1KZ;K10;VW;Golf;1,00;;;\r\n"  # line 4: too short
        + f"{bad_digit};K11;VW;Golf;1,00;;;\r\n"  # line 5: North American check digit
        + german_row(4)  # line 6: a VIN twice...
        + german_row(4).replace(";K4;", ";K44;")  # line 7: ...here again
        + f"{good_vin(5)};K5;VW;Golf;1,00;;\r\n"  # line 8: a field missing
        + f"{good_vin(6)};K6;VW;Golf;1,00;;;;extra\r\n"  # line 9: an extra field
        + f"{good_vin(8)};K8;VW;Golf;zwölf;32.13.2021;-5;\r\n"  # line 10: price, date, km
        + f"{good_vin(12)};K12;VW;Polo;1,00;;;\r\n"  # line 11: model not in the catalogue
        + german_row(13)  # line 12: good
    )
    path = write(tmp_path, text)
    result = run(path)
    lines = dict(result.refused)
    assert sorted(lines) == [3, 4, 5, 6, 7, 8, 9, 10, 11]
    assert "never contains I" in lines[3]
    assert "17 characters" in lines[4]
    assert "check digit" in lines[5]
    assert "lines 6, 7" in lines[6] and "lines 6, 7" in lines[7]
    assert "7 fields where the header has 8" in lines[8]
    assert "9 fields" in lines[9]
    assert "zwölf" in lines[10] and "32.13.2021" in lines[10] and "-5" in lines[10]
    assert "VW Polo is not in the catalogue" in lines[11]
    assert result.unknown_models == [("VW", "Polo")]
    assert result.added == 2
    assert sorted(v.stock_number for v in m.Vehicle.select()) == ["K1", "K13"]


def test_an_unbalanced_quote_is_named_and_the_rest_read(db, tmp_path):
    catalogue(("VW", "Golf"))
    text = (
        GERMAN_HEADER
        + german_row(1)
        + f'{good_vin(2)};K2;VW;"Golf;1,00;;;\r\n'  # line 3: a quote never closed
        + german_row(3)
    )
    result = run(write(tmp_path, text))
    assert result.added == 1
    assert len(result.refused) == 1
    line, reason = result.refused[0]
    assert line == 3 and "never closed" in reason
    assert m.Vehicle.select().count() == 1


def test_a_value_that_reads_two_ways_is_refused_never_guessed(db, tmp_path):
    catalogue(("VW", "Golf"))
    # No number proves the decimal separator and no date the day's place.
    text = (
        "VIN,Stock no.,Make,Model,List price,First registration\n"
        f"{good_vin(1)},A1,VW,Golf,1.234,03/04/2021\n"
        f"{good_vin(2)},A2,VW,Golf,25000,03/04/2021\n"
        f"{good_vin(3)},A3,VW,Golf,25000,2021-04-03\n"
    )
    path = write(tmp_path, text)
    file = imports.read_file(path, STOCK)
    assert (file.format.decimal, file.format.dates) == ("", "")
    result = run(path)
    lines = dict(result.refused)
    assert "“1.234” could be 1234 or 1.234" in lines[2]
    assert "could be the 2021-04-03 or the 2021-03-04" in lines[3]
    assert result.added == 1
    # Told how the file writes them, the same values read one way.
    mapping = imports.propose_mapping(file)
    fmt = csv_text.FileFormat(
        file.format.encoding, ",", csv_text.DECIMAL_COMMA, csv_text.MONTH_DAY_YEAR
    )
    again = imports.run_import(file, mapping, fmt)
    assert again.added == 2 and again.unchanged == 1
    assert m.Vehicle.get(m.Vehicle.stock_number == "A1").list_price_minor == 123_400
    assert m.Vehicle.get(m.Vehicle.stock_number == "A2").first_registration == date(2021, 3, 4)


def test_missing_required_columns_refuse_the_file(db, tmp_path):
    path = write(tmp_path, "Marke;Modell;Farbe\nVW;Golf;Rot\n")
    with pytest.raises(csv_text.FileRefused, match="VIN, Stock number"):
        run(path)
    assert m.Vehicle.select().count() == 0


def test_a_reimport_updates_never_duplicates_and_reports_what_the_export_lacks(db, tmp_path):
    catalogue(("VW", "Golf"))
    first = GERMAN_HEADER + german_row(1) + german_row(2) + german_row(3) + german_row(4)
    assert run(write(tmp_path, first)).added == 4
    sold = m.Vehicle.get(m.Vehicle.stock_number == "K3")
    with transaction():
        m.Vehicle.update(use="sold").where(m.Vehicle.id == sold.id).execute()
    reserved = m.Vehicle.get(m.Vehicle.stock_number == "K4")
    factories.opportunity(m.User.get().id, vehicle_id=reserved.id)
    second = (
        GERMAN_HEADER
        + german_row(1)  # unchanged
        + german_row(3, price="99.000,00")  # sold: kept as it is
        + german_row(4, price="99.000,00")  # reserved: kept as it is
        + german_row(5)  # new
    )
    before = m.Vehicle.get(m.Vehicle.stock_number == "K1").version
    result = run(write(tmp_path, second, name="g.csv"))
    assert (result.added, result.updated, result.unchanged, result.refused) == (1, 0, 1, [])
    assert [line for line, _why in result.kept] == [3, 4]
    assert "sold" in result.kept[0][1] and "reserved" in result.kept[1][1]
    assert [v for v, _n, _m in result.missing] == [good_vin(2)]
    assert m.Vehicle.select().count() == 5
    assert m.Vehicle.get(m.Vehicle.stock_number == "K3").list_price_minor == 3_149_000
    assert m.Vehicle.get(m.Vehicle.stock_number == "K4").list_price_minor == 3_149_000
    assert m.Vehicle.get(m.Vehicle.stock_number == "K1").version == before
    third = GERMAN_HEADER + german_row(1, price="29.990,00", colour="Rot")
    result = run(write(tmp_path, third, name="h.csv"))
    assert (result.added, result.updated) == (0, 1)
    car = m.Vehicle.get(m.Vehicle.stock_number == "K1")
    assert (car.list_price_minor, car.colour, car.version) == (2_999_000, "Rot", before + 1)
    change = (
        m.AuditEntry.select()
        .where((m.AuditEntry.entity == "vehicle") & (m.AuditEntry.action == "update"))
        .get()
    )
    assert change.entity_id == car.id and "Rot" in change.changes


def test_a_dry_run_writes_nothing_and_says_what_an_import_would_do(db, tmp_path):
    catalogue(("VW", "Golf"))
    run(write(tmp_path, GERMAN_HEADER + german_row(1)))
    text = GERMAN_HEADER + german_row(1, colour="Rot") + german_row(2) + "x;y;VW;Golf;1;;;\r\n"
    result = run(write(tmp_path, text, name="g.csv"), dry_run=True)
    assert (result.added, result.updated, result.unchanged, len(result.refused)) == (1, 1, 0, 1)
    assert m.Vehicle.select().count() == 1
    assert m.Vehicle.get().colour == "Blau"


def test_unknown_models_are_added_to_the_catalogue_when_asked(db, tmp_path):
    text = GERMAN_HEADER + german_row(1) + german_row(2)
    result = run(write(tmp_path, text), add_models=True)
    assert (result.added, result.models_added, result.refused) == (2, 1, [])
    entry = m.CatalogueEntry.get()
    assert (entry.brand, entry.model) == ("VW", "Golf")


def test_cancelling_writes_nothing(db, tmp_path, monkeypatch):
    catalogue(("VW", "Golf"))
    monkeypatch.setattr(imports, "BATCH", 10)
    text = GERMAN_HEADER + "".join(german_row(i) for i in range(1, 60))
    seen: list[int] = []
    with pytest.raises(imports.ImportCancelled):
        run(
            write(tmp_path, text),
            progress=lambda d, t: seen.append(d),
            cancelled=lambda: len(seen) >= 3,
        )
    assert seen == [10, 20, 30]
    assert m.Vehicle.select().count() == 0
    assert m.AuditEntry.select().where(m.AuditEntry.entity == "vehicle").count() == 0


def test_a_price_list_reimport_updates_by_model_code_and_variant(db, tmp_path):
    text = (
        "Marke;Modell;Modellcode;Ausstattung;Listenpreis\n"
        "VW;Golf;CD1;Life;31.490,00\n"
        "VW;Golf;CD1;Style;35.990,00\n"
        "VW;Polo;AW1;Life;21.000,00\n"
        "VW;Polo;AW1;Life;22.000,00\n"  # twice
        "VW;Polo;AW2;;\n"  # no price
    )
    result = run(write(tmp_path, text), CATALOGUE)
    assert (result.added, sorted(line for line, _ in result.refused)) == (2, [4, 5, 6])
    again = "Marke;Modell;Modellcode;Ausstattung;Listenpreis\nVW;Golf;cd1;Life;32.000,00\n"
    result = run(write(tmp_path, again, name="g.csv"), CATALOGUE)
    assert (result.added, result.updated, result.unchanged) == (0, 1, 0)
    assert m.CatalogueEntry.select().count() == 2
    life = m.CatalogueEntry.get(m.CatalogueEntry.variant == "Life")
    assert life.list_price_minor == 3_200_000


def test_a_saved_mapping_is_applied_to_the_next_file_by_header_name(db, tmp_path):
    catalogue(("VW", "Golf"))
    text = f"Ident;Nr;Hersteller X;Typ\n{good_vin(1)};N1;VW;Golf\n"
    file = imports.read_file(write(tmp_path, text), STOCK)
    assert imports.missing_columns(file, imports.propose_mapping(file))
    mapping = {"vin": 0, "stock_number": 1, "brand": 2, "model": 3}
    fmt = csv_text.FileFormat("utf-8", ";", csv_text.DECIMAL_COMMA, "")
    imports.save_mapping(STOCK, "Old DMS", file.header, mapping, fmt)
    assert imports.mapping_names(STOCK) == ["Old DMS"]
    assert imports.mapping_names(CATALOGUE) == []
    later = imports.read_file(
        write(tmp_path, f"Typ;Nr;Ident;Hersteller X\nGolf;N2;{good_vin(2)};VW\n", name="g.csv"),
        STOCK,
    )
    columns, told = imports.apply_mapping(later, imports.load_mapping(STOCK, "Old DMS"))
    assert columns == {"vin": 2, "stock_number": 1, "brand": 3, "model": 0}
    assert told.decimal == csv_text.DECIMAL_COMMA
    assert imports.run_import(later, columns, told).added == 1
    with pytest.raises(LookupError, match="Old DMS"):
        imports.load_mapping(STOCK, "New DMS")


def test_an_import_needs_the_right_to_import(db, tmp_path):
    add_user("sam", "salesperson")
    sign_in_as("sam")
    with pytest.raises(NotAllowed):
        imports.read_file(write(tmp_path, GERMAN_HEADER), STOCK)


def test_the_import_in_a_process_of_its_own_writes_as_the_signed_in_user(db, tmp_path):
    from app.services import import_process

    catalogue(("VW", "Golf"))
    path = write(tmp_path, GERMAN_HEADER + german_row(1) + german_row(2) + "x;K3;VW;Golf;;;;\r\n")
    file = imports.read_file(path, STOCK)
    mapping = imports.propose_mapping(file)
    seen: list[tuple[int, int]] = []
    result = import_process.run_import(
        path,
        STOCK,
        mapping,
        imports.formats(file, mapping),
        False,
        False,
        lambda done, total: seen.append((done, total)),
        lambda: False,
    )
    assert (result.added, [line for line, _ in result.refused]) == (2, [4])
    assert seen[-1] == (3, 3)
    anna = m.User.get(m.User.username == "anna").id
    assert {v.changed_by for v in m.Vehicle.select()} == {anna}
    created = m.AuditEntry.select().where(m.AuditEntry.entity == "vehicle")
    assert {(e.action, e.user_id) for e in created} == {("create", anna)}


def test_a_file_without_a_condition_leaves_an_ex_demo_car_ex_demo(db, tmp_path):
    catalogue(("VW", "Golf"))
    run(write(tmp_path, GERMAN_HEADER + german_row(1)))
    with transaction():
        m.Vehicle.update(condition="ex_demo").execute()
    result = run(write(tmp_path, GERMAN_HEADER + german_row(1), name="g.csv"))
    assert (result.updated, result.unchanged) == (0, 1)
    assert m.Vehicle.get().condition == "ex_demo"
    with_condition = GERMAN_HEADER.replace("Farbe", "Zustand") + german_row(1, colour="Gebraucht")
    result = run(write(tmp_path, with_condition, name="h.csv"))
    assert result.updated == 1 and m.Vehicle.get().condition == "used"
