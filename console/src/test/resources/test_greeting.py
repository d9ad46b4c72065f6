from greeting import greeting


def test_greets_by_name():
    assert greeting('Ada') == 'Hello, Ada!'


def test_strips_surrounding_space():
    assert greeting('  Grace ') == 'Hello, Grace!'
