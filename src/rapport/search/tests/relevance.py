"""The relevance set: documents in four languages and the queries that must find them.

Each query names the documents it must find (recall) and may name ones it must not
(a guard against matching everything). Kinds of query: "form" (another word form),
"script" (Serbian Cyrillic against Latin), "segment" (Chinese without spaces), "fold"
(case and diacritics), "plain" (the words as written), "multi" (several words).
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Doc:
    language: str
    subject: str
    text: str


@dataclass(frozen=True)
class Case:
    query: str
    finds: frozenset[str]
    kind: str
    not_found: frozenset[str] = field(default_factory=frozenset)


DOCS: dict[str, Doc] = {
    # Russian
    "ru_delivery": Doc("ru", "Сроки доставки по регионам",
                       "Доставка по Москве занимает один день, в регионы — от трёх до семи "
                       "дней. Курьер звонит заранее."),
    "ru_refund": Doc("ru", "Возврат денег за заказ",
                     "Деньги возвращаются на карту в течение пяти рабочих дней после того, "
                     "как склад получит посылку."),
    "ru_damaged": Doc("ru", "Посылка пришла повреждённой",
                      "Коробка была смята, а чашки разбиты. Пришлите, пожалуйста, фотографии "
                      "упаковки и товара."),
    "ru_password": Doc("ru", "Не могу войти в личный кабинет",
                       "Пароль не подходит, письмо для сброса пароля не приходит."),
    "ru_courier": Doc("ru", "Курьер не приехал",
                      "Ждали курьера весь день, но он так и не появился. Перенесите "
                      "доставку на субботу."),
    "ru_exchange": Doc("ru", "Обмен размера куртки",
                       "Куртка оказалась мала, хочу обменять на размер больше."),
    # Serbian, Cyrillic and Latin
    "sr_delivery": Doc("sr", "Рокови доставе за Београд",
                       "Достава у Београду траје један дан, а у остале градове два до три "
                       "радна дана."),
    "sr_latin_refund": Doc("sr", "Povraćaj novca za porudžbinu",
                           "Novac vraćamo na karticu u roku od pet radnih dana nakon što "
                           "magacin primi pošiljku."),
    "sr_damaged": Doc("sr", "Оштећена пошиљка",
                      "Кутија је стигла оштећена, шоље су поломљене. Пошаљите фотографије "
                      "паковања."),
    "sr_latin_warranty": Doc("sr", "Garancija za usisivač",
                             "Usisivač je prestao da radi posle dva meseca. Da li je pokriven "
                             "garancijom?"),
    "sr_courier": Doc("sr", "Курир није дошао",
                      "Чекали смо курира цео дан. Молимо да доставу пребаците за суботу."),
    # Chinese
    "zh_refund": Doc("zh-hans", "如何申请退款",
                     "您可以在订单页面点击申请退款，退款将在五个工作日内退回原支付账户。"),
    "zh_delivery": Doc("zh-hans", "配送时间说明",
                       "北京市内配送通常需要一天，其他城市需要三到五天。快递员会提前打电话。"),
    "zh_damaged": Doc("zh-hans", "包裹破损怎么办",
                      "如果收到的包裹有破损，请拍照并联系客服，我们会为您补发商品。"),
    "zh_password": Doc("zh-hans", "忘记密码无法登录",
                       "重置密码的邮件一直没有收到，请帮我恢复账户。"),
    "zh_invoice": Doc("zh-hans", "发票开具",
                      "请为我的订单开具增值税发票，公司名称已填写。"),
    # English
    "en_delivery": Doc("en", "Delivery times to Scotland",
                       "Deliveries to the Highlands usually take three working days; the "
                       "courier texts you a time slot."),
    "en_refund": Doc("en", "Refund for a cancelled order",
                     "I cancelled the order before it shipped and I am still waiting for "
                     "my money to be refunded."),
    "en_damaged": Doc("en", "Parcel arrived damaged",
                      "The box was crushed and two mugs were broken when the parcel "
                      "arrived."),
    "en_password": Doc("en", "Cannot sign in after resetting my password",
                       "The reset link says it has expired every time I click it."),
    "en_warranty": Doc("en", "Warranty claim for a kettle",
                       "My kettle stopped heating after four months. Is it covered by the "
                       "warranty?"),
    "en_cafe": Doc("en", "Café order missing", "The café voucher was not in the parcel."),
}


def _case(query: str, finds: str, kind: str, not_found: str = "") -> Case:
    return Case(query, frozenset(finds.split()), kind, frozenset(not_found.split()))


CASES: list[Case] = [
    # Russian word forms
    _case("доставка", "ru_delivery ru_courier", "form", "sr_delivery en_delivery"),
    _case("доставки", "ru_delivery ru_courier", "form"),
    _case("доставкой", "ru_delivery ru_courier", "form"),
    _case("сроки доставки", "ru_delivery", "form", "ru_courier"),
    _case("срок доставки", "ru_delivery", "form"),
    _case("возврат", "ru_refund", "plain"),
    _case("возврата денег", "ru_refund", "form"),
    _case("деньгами", "ru_refund", "form"),
    _case("повреждённая посылка", "ru_damaged", "form"),
    _case("поврежденную посылку", "ru_damaged", "fold"),
    _case("фотография", "ru_damaged", "form"),
    _case("пароля", "ru_password", "form"),
    _case("сбросить пароль", "ru_password", "form"),
    _case("курьеру", "ru_courier", "form"),
    _case("курьеры", "ru_courier", "form"),
    _case("обменять куртку", "ru_exchange", "form"),
    _case("ДОСТАВКА", "ru_delivery ru_courier", "fold"),
    _case("регионы", "ru_delivery", "form"),
    # Serbian: Cyrillic and Latin find each other, word forms too
    _case("достава", "sr_delivery sr_courier", "form", "ru_delivery"),
    _case("dostava", "sr_delivery sr_courier", "script", "ru_delivery"),
    _case("dostave", "sr_delivery sr_courier", "script"),
    _case("rokovi dostave", "sr_delivery", "script"),
    _case("Београд", "sr_delivery", "plain"),
    _case("beograd", "sr_delivery", "script"),
    _case("beogradu", "sr_delivery", "script"),
    _case("повраћај новца", "sr_latin_refund", "script"),
    _case("povracaj novca", "sr_latin_refund", "fold"),
    _case("pošiljka", "sr_latin_refund sr_damaged", "script"),
    _case("пошиљку", "sr_latin_refund sr_damaged", "script"),
    _case("oštećena pošiljka", "sr_damaged", "script"),
    _case("ostecena", "sr_damaged", "fold"),
    _case("гаранција", "sr_latin_warranty", "script"),
    _case("usisivaca", "sr_latin_warranty", "fold"),
    _case("kurir", "sr_courier", "script"),
    _case("курира", "sr_courier", "form"),
    _case("fotografije pakovanja", "sr_damaged", "script"),
    # Chinese without spaces
    _case("退款", "zh_refund", "segment"),
    _case("申请退款", "zh_refund", "segment"),
    _case("如何退款", "zh_refund", "segment"),
    _case("退回", "zh_refund", "segment"),
    _case("配送", "zh_delivery", "segment"),
    _case("配送时间", "zh_delivery", "segment"),
    _case("快递员", "zh_delivery", "segment"),
    _case("包裹破损", "zh_damaged", "segment"),
    _case("破损", "zh_damaged", "segment"),
    _case("补发", "zh_damaged", "segment"),
    _case("密码", "zh_password", "segment"),
    _case("忘记密码", "zh_password", "segment"),
    _case("重置密码", "zh_password", "segment"),
    _case("发票", "zh_invoice", "segment"),
    _case("增值税发票", "zh_invoice", "segment"),
    _case("工作日", "zh_refund", "segment"),
    # English
    _case("delivery", "en_delivery", "form"),
    _case("deliveries", "en_delivery", "form"),
    _case("delivery time", "en_delivery", "form"),
    _case("refunds", "en_refund", "form"),
    _case("refunding", "en_refund", "form"),
    _case("cancel order", "en_refund", "form"),
    _case("damage", "en_damaged", "form"),
    _case("broken mug", "en_damaged", "form"),
    _case("reset password", "en_password", "form"),
    _case("passwords", "en_password", "form"),
    _case("warranty kettle", "en_warranty", "multi"),
    _case("Kettles", "en_warranty", "fold"),
    _case("cafe", "en_cafe", "fold"),
    _case("CAFÉ VOUCHER", "en_cafe", "fold"),
    _case("the parcel arrived", "en_damaged", "multi", "en_cafe"),
]
