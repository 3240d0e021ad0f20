"""Small hand-written vocabularies for the benchmark's multilingual tickets.

Whole phrases rather than single words keep the text readable in every language
(Russian and Serbian cases, Chinese without spaces); a numeric suffix and random
sentence order give enough variety for a fixture.
"""

LANGUAGES = ["en", "ru", "zh-hans", "sr"]
# Share of customers per language, in LANGUAGES order.
LANGUAGE_WEIGHTS = [40, 25, 20, 15]

SUBJECTS = {
    "en": [
        "Cannot sign in to my account",
        "Card payment fails",
        "Where is my order?",
        "Question about the March invoice",
        "Password reset email never arrives",
        "The app freezes on start",
        "I want to return an item",
        "How do I change my plan?",
        "Report export does not work",
        "Charged twice",
        "Change of delivery address",
        "The page loads very slowly",
    ],
    "ru": [
        "Не могу войти в личный кабинет",
        "Ошибка при оплате картой",
        "Где мой заказ?",
        "Вопрос по счёту за март",
        "Не приходит письмо для сброса пароля",
        "Приложение зависает при запуске",
        "Хочу вернуть товар",
        "Как изменить тарифный план?",
        "Не работает выгрузка отчёта",
        "Двойное списание средств",
        "Смена адреса доставки",
        "Страница очень медленно загружается",
    ],
    "zh-hans": [
        "无法登录账户",
        "信用卡付款失败",
        "我的订单在哪里？",
        "关于三月账单的问题",
        "收不到重置密码的邮件",
        "应用启动时卡住",
        "我想退货",
        "如何更改套餐？",
        "报表导出不起作用",
        "重复扣款",
        "修改收货地址",
        "页面加载很慢",
    ],
    "sr": [
        "Не могу да се пријавим на налог",
        "Грешка при плаћању картицом",
        "Где је моја поруџбина?",
        "Питање у вези са рачуном за март",
        "Не стиже мејл за промену лозинке",
        "Апликација се замрзава при покретању",
        "Желим да вратим производ",
        "Како да променим пакет?",
        "Извоз извештаја не ради",
        "Дупло задужење на картици",
        "Ne mogu da promenim adresu za dostavu",
        "Stranica se sporo učitava",
    ],
}

# Customer sentences: a body is a greeting, a few of these and a closing.
SENTENCES = {
    "en": [
        "I tried again this morning but nothing changed.",
        "The page shows an error after I press save.",
        "Could you please check what is wrong?",
        "It worked fine last week.",
        "My colleague sees the same problem.",
        "I attached a screenshot of the message.",
        "We need this fixed before the end of the month.",
        "The order number is in my first message.",
        "Is there a workaround for now?",
        "I already cleared the browser cache.",
        "Please call me back if that is easier.",
    ],
    "ru": [
        "Пробовал ещё раз сегодня утром, но ничего не изменилось.",
        "После нажатия «Сохранить» появляется ошибка.",
        "Проверьте, пожалуйста, что не так.",
        "На прошлой неделе всё работало нормально.",
        "У коллеги та же самая проблема.",
        "Прикладываю снимок экрана с сообщением.",
        "Нам нужно решить это до конца месяца.",
        "Номер заказа указан в первом письме.",
        "Есть ли временное решение?",
        "Кэш браузера я уже очистил.",
        "Если удобнее, перезвоните мне.",
    ],
    "zh-hans": [
        "今天早上我又试了一次，但还是一样。",
        "点击保存后出现错误。",
        "请帮我检查一下是什么问题。",
        "上周还一切正常。",
        "我的同事也遇到了同样的问题。",
        "我附上了错误信息的截图。",
        "我们需要在月底前解决这个问题。",
        "订单号在我的第一封邮件里。",
        "现在有临时的解决办法吗？",
        "我已经清除了浏览器缓存。",
        "如果方便的话，请给我回电话。",
    ],
    "sr": [
        "Покушао сам поново јутрос, али ништа се није променило.",
        "Након клика на „Сачувај“ појављује се грешка.",
        "Молим вас проверите шта није у реду.",
        "Прошле недеље је све радило.",
        "Колега има исти проблем.",
        "Прилажем снимак екрана са поруком.",
        "Ово треба да решимо до краја месеца.",
        "Број поруџбине је у мојој првој поруци.",
        "Da li postoji privremeno rešenje?",
        "Već sam obrisao keš pregledača.",
        "Ако вам је лакше, позовите ме.",
    ],
}

# Agent sentences for outbound replies and internal notes.
REPLIES = {
    "en": [
        "Thank you for contacting us.",
        "We checked your account and fixed the problem.",
        "Could you send us the order number?",
        "The refund will arrive within five business days.",
        "I have passed this to our technical team.",
    ],
    "ru": [
        "Спасибо, что обратились к нам.",
        "Мы проверили ваш аккаунт и исправили проблему.",
        "Пришлите, пожалуйста, номер заказа.",
        "Деньги вернутся в течение пяти рабочих дней.",
        "Я передал вопрос нашим техническим специалистам.",
    ],
    "zh-hans": [
        "感谢您联系我们。",
        "我们检查了您的账户并解决了问题。",
        "请把订单号发给我们。",
        "退款将在五个工作日内到账。",
        "我已将此问题转交给技术团队。",
    ],
    "sr": [
        "Хвала што сте нам се обратили.",
        "Проверили смо ваш налог и решили проблем.",
        "Можете ли нам послати број поруџбине?",
        "Povraćaj novca stiže u roku od pet radnih dana.",
        "Проследио сам ово нашем техничком тиму.",
    ],
}

GREETINGS = {
    "en": ["Hello,", "Hi team,", "Good morning,"],
    "ru": ["Здравствуйте!", "Добрый день,"],
    "zh-hans": ["您好，", "你好，"],
    "sr": ["Поздрав,", "Добар дан,", "Zdravo,"],
}

CLOSINGS = {
    "en": ["Thanks.", "Best regards."],
    "ru": ["Спасибо.", "С уважением."],
    "zh-hans": ["谢谢。", "此致敬礼。"],
    "sr": ["Хвала.", "Срдачан поздрав."],
}

NAMES = {
    "en": ["Alice Walker", "Bob Turner", "Carol Hughes", "David Price", "Emma Stone",
           "Frank Miller", "Grace Lee", "Henry Ford", "Isla Brown", "Jack White"],
    "ru": ["Анна Иванова", "Иван Петров", "Ольга Смирнова", "Дмитрий Козлов",
           "Мария Попова", "Сергей Волков", "Елена Соколова", "Алексей Морозов"],
    "zh-hans": ["王伟", "李娜", "张敏", "刘洋", "陈静", "杨磊", "赵丽", "黄强"],
    "sr": ["Марко Јовановић", "Јелена Петровић", "Никола Николић", "Ана Марковић",
           "Milan Đorđević", "Ivana Stojanović", "Стефан Илић", "Милица Павловић"],
}

TEAMS = ["Billing", "Technical support", "Sales"]
AGENTS = [
    ("Sofia", "Supervisor"), ("Liam", "Harper"), ("Нина", "Орлова"), ("Олег", "Титов"),
    ("Mei", "Lin"), ("Wei", "Zhou"), ("Драган", "Васић"), ("Tara", "Quinn"),
]
TAGS = ["billing", "refund", "bug", "vip", "login", "shipping", "mobile", "api",
        "feedback", "invoice", "outage", "onboarding"]
COMPANIES = ["Acme", "Globex", "Initech", "Umbrella", "Soylent", "Hooli", "Vandelay",
             "Вектор", "Северсталь-Сервис", "华星科技", "长城贸易", "Звезда", "Dunav"]
