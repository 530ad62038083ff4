def test_debug_is_false():
    assert settings.DEBUG is False
