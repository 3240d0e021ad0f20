"""Expectations for the Russian, Chinese and Serbian fixtures of the corpus."""

from rapport.channels.email.tests.corpus import Case

RU_PHRASE = 'ошибка "Нет бумаги", хотя бумага есть.\nПодскажите, пожалуйста, что делать?'
RU_SUBJECT = "Не работает принтер"
PDF_INTL = 51

CASES = [
    Case("ru_koi8r_8bit.eml", RU_SUBJECT, "ivan.petrov@mail.ru", RU_PHRASE, name="Иван Петров"),
    Case("ru_cp1251_qp.eml", RU_SUBJECT, "ivan.petrov@yandex.ru", RU_PHRASE),
    Case("ru_iso8859_5_base64.eml", RU_SUBJECT, "petrov@rambler.ru", RU_PHRASE),
    Case("ru_utf8_qp.eml", RU_SUBJECT, "ivan@example.ru", RU_PHRASE, name="Иван Петров"),
    Case("ru_utf8_base64.eml", RU_SUBJECT, "ivan@example.ru", RU_PHRASE, name="Иван Петров"),
    Case("ru_utf8_raw_headers.eml", RU_SUBJECT, "ivan@example.ru", RU_PHRASE, name="Иван Петров"),
    Case(
        "ru_koi8r_unlabelled.eml",
        RU_SUBJECT,
        "old.client@mail.ru",
        RU_PHRASE,
        defects=("8-bit text without charset guessed as koi8-r",),
    ),
    Case("ru_cp1251_html_meta_charset.eml", RU_SUBJECT, "ivan@example.ru", RU_PHRASE),
    Case(
        "ru_cp1251_unlabelled.eml",
        "No charset",
        "buh@example.ru",
        "Третий день не могу войти в личный кабинет",
        defects=("8-bit text without charset guessed as cp1251",),
    ),
    Case(
        "unknown_charset_guess_cp1251.eml",
        "Bogus label",
        "accountant@example.ru",
        "у нас закрытие месяца.",
        defects=("unknown charset 'x-bogus-1251' guessed as cp1251",),
    ),
    Case(
        "ru_subject_split_b.eml",
        "Заявка на ремонт кондиционера",
        "client@example.ru",
        "Кондиционер гудит.",
    ),
    Case(
        "ru_subject_split_q.eml",
        "Заявка на ремонт кондиционера",
        "client@example.ru",
        "Кондиционер гудит.",
    ),
    Case("mixed_charset_words.eml", "Счёт № 42 — Šabac (copy)", "buh@example.ru", "See subject."),
    Case(
        "ru_rfc2231_filename.eml",
        "Отчёт",
        "buh@example.ru",
        "Отчёт во вложении.",
        (
            (
                "Отчёт за ноябрь 2026 (финальный).docx",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                1028,
            ),
        ),
    ),
    Case(
        "ru_rfc2047_filename.eml",
        "Счёт-фактура",
        "buh@example.ru",
        "Счёт во вложении.",
        (("Счёт-фактура №17.pdf", "application/pdf", PDF_INTL),),
    ),
    Case(
        "outlook_cp1251_from.eml",
        "Анкета клиента",
        "ivan.petrov@corp.ru",
        "Добрый день! Прилагаю анкету клиента.",
        name="Иван Петров",
    ),
    # Chinese
    Case(
        "zh_gb2312_label_gbk_text.eml",
        "报销单无法提交（朱镕基）",
        "wangkun@qq.com",
        "朱镕基先生的报销单无法提交，系统提示“格式错误”。王堃和陈喆也遇到同样的问题。",
        defects=("charset gb2312 decoded as gb18030", "charset gb2312 decoded as gb18030"),
        name="王堃",
    ),
    Case("zh_gb2312.eml", "打印机坏了", "liming@163.com", "我们的打印机坏了，请尽快派人来修理。"),
    Case("zh_gb18030.eml", "生僻字显示问题", "user@126.com", "文件名里有生僻字“䶮”和表情😀"),
    Case(
        "zh_big5_hkscs.eml",
        "印表機壞了",
        "chan.taiman@yahoo.com.hk",
        "我們的印表機壞了，請盡快派人來修理。唔該晒㗎！",
        defects=("charset big5 decoded as big5hkscs",),
    ),
    Case(
        "zh_utf8_base64.eml",
        "发票金额不对",
        "zhangwei@example.cn",
        "发票号码 No.2026-118 的金额不对，请核实。",
        name="张伟",
    ),
    Case(
        "zh_subject_split_gbk.eml",
        "关于朱镕基报销单的问题",
        "wangkun@qq.com",
        "王堃和陈喆也遇到同样的问题。",
        defects=("charset gb2312 decoded as gb18030",),
    ),
    Case(
        "zh_rfc2231_filename.eml",
        "报销单",
        "wangkun@qq.com",
        "附件是报销单。",
        (("报销单（朱镕基）.xlsx", "application/vnd.ms-excel", 600),),
    ),
    # Serbian
    Case(
        "sr_cyrillic_utf8.eml",
        "Штампач не ради",
        "jelena@example.rs",
        "штампач у рачуноводству не ради од јутрос. Ђорђе каже",
        name="Јелена Јовановић",
    ),
    Case(
        "sr_cyrillic_cp1251.eml",
        "Штампач не ради",
        "jelena@example.rs",
        "штампач у рачуноводству не ради од јутрос. Ђорђе каже",
    ),
    Case(
        "sr_latin_iso8859_2.eml",
        "Štampač ne radi",
        "jelena.zizic@example.rs",
        "štampač u računovodstvu ne radi od jutros. Đorđe kaže da je problem u mreži.",
        name="Jelena Žižić",
    ),
    Case("sr_latin_utf8.eml", "Štampač ne radi", "jelena@example.rs", "Hvala,\nJelena Žižić"),
]
