from rapport.demo.loader import _width, demo_logins, format_logins
from rapport.demo.roster import DEMO_PASSWORD


def test_logins_list_every_staff_member_with_the_demo_password():
    rows = demo_logins()
    assert [r["username"] for r in rows] == [
        "emily", "dmitry", "lina", "milica", "olga", "wanghao", "nikola", "james"]
    assert {r["password"] for r in rows} == {DEMO_PASSWORD}


def test_columns_line_up_even_with_chinese_names():
    text = format_logins(demo_logins())
    lines = text.splitlines()
    assert lines[-1].strip().startswith(f"password for every demo account: {DEMO_PASSWORD}")
    table = lines[:-1]
    role_columns = set()
    for line in table:
        role = next(word for word in ("role", "agent", "engineer", "supervisor", "admin")
                    if f"  {word}  " in line)
        role_columns.add(_width(line[:line.index(f"  {role}  ")]))
    assert len(role_columns) == 1
    assert any("李娜" in line for line in table)
