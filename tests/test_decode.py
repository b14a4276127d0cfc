import codecs

from model.decode import decode_html, sniff_encoding


def test_bom_wins_over_meta():
    data = codecs.BOM_UTF8 + '<meta charset="iso-8859-1"><p>café</p>'.encode("utf-8")
    text, enc = decode_html(data)
    assert enc == "utf-8" and "café" in text and not text.startswith("\ufeff")


def test_utf16_with_bom():
    data = "<p>naïve résumé</p>".encode("utf-16")
    text, enc = decode_html(data)
    assert "naïve résumé" in text and enc.startswith("utf-16")


def test_http_charset_used_before_meta():
    data = '<meta charset="utf-8"><p>caf\xe9</p>'.encode("latin-1")
    assert sniff_encoding(data, "text/html; charset=ISO-8859-1") == ("cp1252", "http")
    assert "café" in decode_html(data, "text/html; charset=ISO-8859-1")[0]


def test_meta_charset_when_no_header():
    data = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1251"></head>' \
           '<body>Привет</body></html>'.encode("cp1251")
    text, enc = decode_html(data)
    assert enc == "cp1251" and "Привет" in text


def test_unknown_label_falls_through_to_utf8():
    data = '<meta charset="no-such-codec"><p>ok ✓</p>'.encode("utf-8")
    text, enc = decode_html(data)
    assert enc == "utf-8" and "✓" in text


def test_binary_garbage_never_raises():
    data = bytes(range(256)) * 40
    text, _ = decode_html(data)
    assert isinstance(text, str) and "\x00" not in text
