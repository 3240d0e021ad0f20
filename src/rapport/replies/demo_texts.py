"""The demo's canned replies, written for Rapport: warm, thankful, saying what was done,
what happens next, and inviting the customer back."""

from typing import Any

REPLIES: list[dict[str, Any]] = [
    {
        "folder": "orders", "shortcut": "order-status", "title": "Order status: on its way",
        "texts": {
            "en": "Hello {{ customer.first_name }},\n\nThank you for checking in on your "
                  "order! We have looked it up: it has left our warehouse and is on its way "
                  "to you with the courier. As soon as the courier scans it, usually within "
                  "a day, you will get an email with the tracking link.\n\nIf you have any "
                  "other questions, just reply here (request #{{ ticket.number }}) and we "
                  "will be glad to help.\n\nWarm regards,\n{{ agent.first_name }}\n"
                  "{{ brand.name }}",
            "ru": "Здравствуйте, {{ customer.first_name }}!\n\nСпасибо, что уточнили статус "
                  "заказа! Мы проверили: он уже покинул наш склад и едет к вам с курьером. "
                  "Как только курьер отсканирует посылку (обычно в течение дня), вам придёт "
                  "письмо со ссылкой для отслеживания.\n\nЕсли появятся вопросы, просто "
                  "ответьте на это письмо (обращение #{{ ticket.number }}), и мы с радостью "
                  "поможем.\n\nС наилучшими пожеланиями,\n{{ agent.first_name }}\n"
                  "{{ brand.name }}",
            "zh-hans": "{{ customer.first_name }}，您好！\n\n感谢您关心订单的进度！我们已经为您"
                       "查询：订单已从仓库发出，正由快递员配送。快递员扫描包裹后（通常在一天之内），"
                       "您会收到一封带有物流跟踪链接的邮件。\n\n如有其他问题，直接回复此邮件即可"
                       "（请求编号 #{{ ticket.number }}），我们很乐意为您服务。\n\n祝好！\n"
                       "{{ agent.first_name }}\n{{ brand.name }}",
            "sr": "Здраво, {{ customer.first_name }},\n\nХвала што сте се распитали за своју "
                  "поруџбину! Проверили смо: пошиљка је напустила наше складиште и курир је "
                  "већ носи ка вама. Чим је курир скенира, обично у року од једног дана, "
                  "стићи ће вам имејл са линком за праћење.\n\nАко имате још питања, само "
                  "одговорите на ову поруку (захтев #{{ ticket.number }}) и радо ћемо "
                  "помоћи.\n\nСрдачан поздрав,\n{{ agent.first_name }}\n{{ brand.name }}",
        },
    },
    {
        "folder": "orders", "shortcut": "lost", "title": "Lost order: replacement sent",
        "texts": {
            "en": "Hello {{ customer.first_name }},\n\nThank you for telling us that your "
                  "parcel has not arrived, and for your patience while we looked into it. "
                  "We have started a search with the courier and, so that you do not have "
                  "to wait for it, we are sending you a replacement today at no cost. Its "
                  "tracking link will reach you by email within 24 hours.\n\nIf the first "
                  "parcel turns up after all, simply keep it or let us know here (request "
                  "#{{ ticket.number }}), whichever is easier for you.\n\nWe are always happy "
                  "to hear from you,\n{{ agent.first_name }}\n{{ brand.name }}",
            "ru": "Здравствуйте, {{ customer.first_name }}!\n\nСпасибо, что сообщили, что "
                  "посылка не пришла, и спасибо за терпение, пока мы разбирались. Мы начали "
                  "поиск вместе с курьерской службой, а чтобы вам не пришлось ждать, сегодня "
                  "же бесплатно отправляем вам новый заказ. Ссылка для отслеживания придёт "
                  "на почту в течение суток.\n\nЕсли первая посылка всё-таки найдётся, "
                  "просто оставьте её себе или напишите нам здесь (обращение "
                  "#{{ ticket.number }}), как вам удобнее.\n\nВсегда рады вам помочь!\n"
                  "{{ agent.first_name }}\n{{ brand.name }}",
            "zh-hans": "{{ customer.first_name }}，您好！\n\n感谢您告诉我们包裹尚未送达，也感谢您"
                       "在我们核查期间的耐心等待。我们已与快递公司一起启动查找，同时为了不让您久等，"
                       "今天就免费为您补发一份新的订单。"
                       "物流跟踪链接将在 24 小时内通过邮件发送给您。"
                       "\n\n如果原包裹之后送到了，您可以直接留下，或在此回复告诉我们（请求编号 "
                       "#{{ ticket.number }}），怎么方便怎么来。\n\n随时欢迎您联系我们！\n"
                       "{{ agent.first_name }}\n{{ brand.name }}",
            "sr": "Здраво, {{ customer.first_name }},\n\nХвала што сте нам јавили да пошиљка "
                  "није стигла и хвала на стрпљењу док смо проверавали. Покренули смо "
                  "потрагу са курирском службом, а да не бисте чекали, још данас вам "
                  "бесплатно шаљемо нову пошиљку. Линк за праћење стићи ће вам имејлом у "
                  "року од 24 сата.\n\nАко прва пошиљка ипак стигне, слободно је задржите "
                  "или нам јавите овде (захтев #{{ ticket.number }}), како вам је лакше.\n\n"
                  "Увек нам је драго да вас чујемо!\n{{ agent.first_name }}\n{{ brand.name }}",
        },
    },
    {
        "folder": "orders", "shortcut": "damaged", "title": "Damaged parcel: replacement",
        "texts": {
            "en": "Hello {{ customer.first_name }},\n\nThank you for letting us know and for "
                  "the photos: they helped us sort this out straight away. We have arranged "
                  "a replacement, which leaves our warehouse today; the tracking link will "
                  "reach you by email shortly. There is no need to send the damaged item "
                  "back.\n\nWe have also passed your photos to our packing team, so that the "
                  "next parcels travel even better protected.\n\nIf anything else comes up, "
                  "just reply to this message (request #{{ ticket.number }}). We are here for "
                  "you!\n{{ agent.first_name }}\n{{ brand.name }}",
            "ru": "Здравствуйте, {{ customer.first_name }}!\n\nСпасибо, что сообщили нам, и "
                  "спасибо за фотографии: благодаря им мы сразу всё уладили. Мы оформили "
                  "замену: новая посылка уйдёт со склада сегодня, а ссылка для отслеживания "
                  "скоро придёт на почту. Повреждённый товар возвращать не нужно.\n\nВаши "
                  "фотографии мы передали команде упаковки, чтобы следующие посылки были "
                  "защищены ещё надёжнее.\n\nЕсли появятся вопросы, просто ответьте на это "
                  "письмо (обращение #{{ ticket.number }}). Мы всегда на связи!\n"
                  "{{ agent.first_name }}\n{{ brand.name }}",
            "zh-hans": "{{ customer.first_name }}，您好！\n\n感谢您及时告知并提供照片，这让我们能够"
                       "立刻为您处理。我们已为您安排换货，新包裹今天就会从仓库发出，物流跟踪链接很快会"
                       "通过邮件发送给您。受损的商品无需寄回。\n\n我们也已把您的照片转交给包装团队，"
                       "让以后的包裹得到更好的保护。\n\n如有任何其他问题，直接回复此邮件即可"
                       "（请求编号 #{{ ticket.number }}）。我们随时为您服务！\n"
                       "{{ agent.first_name }}\n{{ brand.name }}",
            "sr": "Здраво, {{ customer.first_name }},\n\nХвала што сте нам јавили и хвала на "
                  "фотографијама, уз њих смо све одмах средили. Организовали смо замену: "
                  "нова пошиљка данас креће из складишта, а линк за праћење ускоро ће вам "
                  "стићи имејлом. Оштећени производ не морате да враћате.\n\nВаше фотографије "
                  "смо проследили и тиму за паковање, како би наредне пошиљке путовале још "
                  "боље заштићене.\n\nАко вам још нешто затреба, само одговорите на ову поруку "
                  "(захтев #{{ ticket.number }}). Ту смо за вас!\n{{ agent.first_name }}\n"
                  "{{ brand.name }}",
        },
    },
    {
        "folder": "returns", "shortcut": "unhappy", "title": "Not happy with a product",
        "texts": {
            "en": "Hello {{ customer.first_name }},\n\nThank you for your honest feedback: it "
                  "really helps us get better, and we have shared it with our product team. "
                  "You can choose what suits you best: a different model in exchange, or a "
                  "full refund. Just reply with your choice and we will take care of the "
                  "rest, including a free return label.\n\nWe would love to make your next "
                  "order a great one. Your request number is #{{ ticket.number }}.\n\n"
                  "Warm regards,\n{{ agent.first_name }}\n{{ brand.name }}",
            "ru": "Здравствуйте, {{ customer.first_name }}!\n\nСпасибо за честный отзыв: он "
                  "действительно помогает нам становиться лучше, и мы уже передали его "
                  "команде, которая отвечает за ассортимент. Выберите, как вам удобнее: "
                  "обменять товар на другую модель или получить полный возврат денег. Просто "
                  "ответьте, что вы выбрали, а остальное, включая бесплатную этикетку для "
                  "возврата, мы возьмём на себя.\n\nБудем рады, если следующий заказ вас "
                  "по-настоящему порадует. Номер вашего обращения: #{{ ticket.number }}.\n\n"
                  "С теплом,\n{{ agent.first_name }}\n{{ brand.name }}",
            "zh-hans": "{{ customer.first_name }}，您好！\n\n感谢您坦诚的反馈，这对我们的改进非常"
                       "有帮助，我们已将您的意见转达给产品团队。您可以选择最适合您的方式：换成其他型号，"
                       "或全额退款。只需回复告诉我们您的选择，其余的事情（包括免费的退货标签）都由我们"
                       "来处理。\n\n希望您的下一次购物让您满意。"
                       "您的请求编号是 #{{ ticket.number }}。"
                       "\n\n祝好！\n{{ agent.first_name }}\n{{ brand.name }}",
            "sr": "Здраво, {{ customer.first_name }},\n\nХвала на искреном мишљењу, оно нам "
                  "заиста помаже да будемо бољи и већ смо га проследили тиму задуженом за "
                  "производе. Изаберите шта вам највише одговара: замену за други модел или "
                  "пун повраћај новца. Само нам одговорите шта бирате, а остало, укључујући "
                  "бесплатну налепницу за враћање, препустите нама.\n\nВолели бисмо да вас "
                  "следећа поруџбина заиста обрадује. Број вашег захтева је "
                  "#{{ ticket.number }}.\n\nСрдачно,\n{{ agent.first_name }}\n{{ brand.name }}",
        },
    },
    {
        "folder": "returns", "shortcut": "refund", "title": "Refund issued",
        "texts": {
            "en": "Hello {{ customer.first_name }},\n\nThank you for your patience. Today we "
                  "issued the refund for request #{{ ticket.number }} to the card you paid "
                  "with. Depending on your bank, it will show on your statement within 3–5 "
                  "business days.\n\nIf you have any questions in the meantime, just reply "
                  "to this message. We hope to see you again soon!\n\nBest wishes,\n"
                  "{{ agent.first_name }}\n{{ brand.name }}",
            "ru": "Здравствуйте, {{ customer.first_name }}!\n\nСпасибо за терпение. Сегодня мы "
                  "оформили возврат денег по обращению #{{ ticket.number }} на карту, которой "
                  "вы оплачивали заказ. В зависимости от банка деньги поступят на счёт в "
                  "течение 3–5 рабочих дней.\n\nЕсли появятся вопросы, просто ответьте на это "
                  "письмо. Будем рады видеть вас снова!\n\nС наилучшими пожеланиями,\n"
                  "{{ agent.first_name }}\n{{ brand.name }}",
            "zh-hans": "{{ customer.first_name }}，您好！\n\n感谢您的耐心等待。我们今天已将请求 "
                       "#{{ ticket.number }} 的退款退回您付款时使用的银行卡。根据银行的处理速度，"
                       "款项将在 3–5 个工作日内到账。\n\n如有任何问题，直接回复此邮件即可。"
                       "期待再次为您服务！\n\n祝好！\n{{ agent.first_name }}\n{{ brand.name }}",
            "sr": "Здраво, {{ customer.first_name }},\n\nХвала на стрпљењу. Данас смо вам "
                  "уплатили повраћај новца по захтеву #{{ ticket.number }} на картицу којом "
                  "сте платили. У зависности од банке, новац ће бити на рачуну у року од 3 "
                  "до 5 радних дана.\n\nАко у међувремену имате питања, само одговорите на ову "
                  "поруку. Радујемо се што ћемо вас поново видети!\n\nСрдачан поздрав,\n"
                  "{{ agent.first_name }}\n{{ brand.name }}",
        },
    },
    {
        "folder": "returns", "shortcut": "exchange", "title": "Exchange: size or colour",
        "texts": {
            "en": "Hello {{ customer.first_name }},\n\nThank you for reaching out: an exchange "
                  "is easy. We have emailed you a free return label, and as soon as the "
                  "courier picks up the parcel we will send the new size or colour, without "
                  "waiting for the return to reach us.\n\nIf you would rather have a "
                  "different item, just reply here (request #{{ ticket.number }}) and we will "
                  "arrange it.\n\nHappy to help any time,\n{{ agent.first_name }}\n"
                  "{{ brand.name }}",
            "ru": "Здравствуйте, {{ customer.first_name }}!\n\nСпасибо, что обратились! "
                  "Обменять товар совсем несложно: мы уже отправили вам на почту бесплатную "
                  "этикетку для возврата. Как только курьер заберёт посылку, мы сразу "
                  "отправим вам нужный размер или цвет, не дожидаясь, пока возврат доедет до "
                  "склада.\n\nЕсли захотите выбрать другой товар, просто ответьте здесь "
                  "(обращение #{{ ticket.number }}), и мы всё устроим.\n\nВсегда рады помочь,"
                  "\n{{ agent.first_name }}\n{{ brand.name }}",
            "zh-hans": "{{ customer.first_name }}，您好！\n\n感谢您的联系，换货非常简单。我们已通过"
                       "邮件向您发送了免费的退货标签。快递员取件后，我们会立即为您寄出新的尺码或颜色，"
                       "无需等待退货送达仓库。\n\n如果您想换成其他商品，直接在此回复即可（请求编号 "
                       "#{{ ticket.number }}），我们会为您安排。\n\n随时乐意为您服务！\n"
                       "{{ agent.first_name }}\n{{ brand.name }}",
            "sr": "Здраво, {{ customer.first_name }},\n\nХвала што сте нам се јавили, замена "
                  "је сасвим једноставна. Имејлом смо вам већ послали бесплатну налепницу за "
                  "враћање. Чим курир преузме пакет, одмах шаљемо нову величину или боју, без "
                  "чекања да враћени пакет стигне до нас.\n\nАко бисте радије изабрали други "
                  "производ, само одговорите овде (захтев #{{ ticket.number }}) и све ћемо "
                  "средити.\n\nУвек радо помажемо,\n{{ agent.first_name }}\n{{ brand.name }}",
        },
    },
    {
        "folder": "warranty", "shortcut": "warranty", "title": "Warranty repair",
        "texts": {
            "en": "Hello {{ customer.first_name }},\n\nThank you for contacting us! Your "
                  "product is covered by our warranty, so the repair is free of charge. We "
                  "have emailed you a prepaid shipping label; our service centre usually "
                  "returns repaired items within 7–10 days, and we will keep you posted at "
                  "every step.\n\nIf you would prefer a replacement, just reply to this "
                  "message (request #{{ ticket.number }}).\n\nThank you for choosing "
                  "{{ brand.name }}!\n{{ agent.first_name }}",
            "ru": "Здравствуйте, {{ customer.first_name }}!\n\nСпасибо за обращение! Ваш товар "
                  "на гарантии, поэтому ремонт бесплатный. Мы отправили вам на почту "
                  "оплаченную транспортную этикетку; сервисный центр обычно возвращает "
                  "отремонтированные товары в течение 7–10 дней, и мы будем сообщать вам о "
                  "каждом шаге.\n\nЕсли вам удобнее получить замену, просто ответьте на это "
                  "письмо (обращение #{{ ticket.number }}).\n\nСпасибо, что выбираете "
                  "{{ brand.name }}!\n{{ agent.first_name }}",
            "zh-hans": "{{ customer.first_name }}，您好！\n\n感谢您的联系！您的商品在保修期内，维修"
                       "完全免费。我们已通过邮件向您发送了预付运费的快递标签；"
                       "维修中心通常会在 7–10 天"
                       "内寄回修好的商品，每一步进展我们都会及时通知您。\n\n如果您更希望直接换货，"
                       "回复此邮件即可（请求编号 #{{ ticket.number }}）。\n\n感谢您选择 "
                       "{{ brand.name }}！\n{{ agent.first_name }}",
            "sr": "Здраво, {{ customer.first_name }},\n\nХвала што сте нам се обратили! Ваш "
                  "производ је под гаранцијом, па је поправка бесплатна. Имејлом смо вам "
                  "послали унапред плаћену налепницу за слање; сервис обично враћа поправљене "
                  "производе за 7 до 10 дана, а ми ћемо вас обавештавати о сваком кораку.\n\n"
                  "Ако вам више одговара замена, само одговорите на ову поруку (захтев "
                  "#{{ ticket.number }}).\n\nХвала што сте изабрали {{ brand.name }}!\n"
                  "{{ agent.first_name }}",
        },
    },
    {
        "folder": "greetings", "shortcut": "hello", "title": "Greeting",
        "texts": {
            "en": "Hello {{ customer.first_name }},\n\nThank you for contacting "
                  "{{ brand.name }}! My name is {{ agent.first_name }}, and I will be glad to "
                  "help you with this.",
            "ru": "Здравствуйте, {{ customer.first_name }}!\n\nСпасибо, что обратились в "
                  "{{ brand.name }}! Меня зовут {{ agent.first_name }}, и я с радостью вам "
                  "помогу.",
            "zh-hans": "{{ customer.first_name }}，您好！\n\n感谢您联系 {{ brand.name }}！我是 "
                       "{{ agent.first_name }}，很高兴为您提供帮助。",
            "sr": "Здраво, {{ customer.first_name }},\n\nХвала што сте контактирали тим "
                  "{{ brand.name }}! Зовем се {{ agent.first_name }} и радо ћу вам помоћи.",
        },
    },
    {
        "folder": "greetings", "shortcut": "thanks", "title": "Closing",
        "texts": {
            "en": "Thank you for being with us, {{ customer.first_name }}! If anything else "
                  "comes up, just reply to this message: we are always happy to help.\n\n"
                  "Have a wonderful day,\n{{ agent.first_name }}\n{{ brand.name }}",
            "ru": "Спасибо, что вы с нами, {{ customer.first_name }}! Если появятся вопросы, "
                  "просто ответьте на это письмо: мы всегда рады помочь.\n\nХорошего дня!\n"
                  "{{ agent.first_name }}\n{{ brand.name }}",
            "zh-hans": "感谢您的支持，{{ customer.first_name }}！"
                       "如有任何其他问题，直接回复此邮件即可，"
                       "我们随时乐意为您服务。\n\n祝您一切顺利！\n{{ agent.first_name }}\n"
                       "{{ brand.name }}",
            "sr": "Хвала што сте уз нас, {{ customer.first_name }}! Ако вам још нешто затреба, "
                  "само одговорите на ову поруку, увек радо помажемо.\n\nЖелим вам леп дан!\n"
                  "{{ agent.first_name }}\n{{ brand.name }}",
        },
    },
]
