#!/usr/bin/env python3
"""gen_corpus.py - a deterministic corpus of marketplace- and chat-like text for the scan benchmark.

Writes JSON Lines records {"id": "r000001", "text": "..."} to standard output (or --out FILE)
until --mb megabytes (10^6 bytes) have been written.  Every record's text is 50-2000 bytes of
UTF-8: product listings, chat messages or forum posts, mostly English, with Spanish, Russian,
Chinese and emoji.  About 1% of the records (--positives) are positives: they mention a real
substance name from the knowledge base (data/kb, data/seed), with a trafficking context, a
third of them obfuscated (leetspeak, Cyrillic look-alike letters, separators, fullwidth forms,
zero-width characters).  The rest is benign e-commerce and chat text.

Determinism: the same --seed and --mb give the same bytes on every machine (Python's
random.Random is specified to be reproducible for a given seed; the word lists live here, not
in the knowledge base, so the corpus does not change when the knowledge base does).  No
network, no input files.

Usage: gen_corpus.py [--mb 200] [--seed 42] [--positives 0.01] [--out FILE] [--labels FILE]
--labels writes the positives' ids with the mention planted in each (for recall checks).
Owned by the benchmark helper; see bench/README.md.
"""
import argparse
import json
import random
import sys

# ----- vocabularies ------------------------------------------------------------------------

EN_PRODUCTS = """phone case; wireless earbuds; running shoes; leather wallet; vintage jacket;
coffee grinder; yoga mat; desk lamp; mechanical keyboard; gaming mouse; laptop stand; water
bottle; backpack; winter boots; wool scarf; kitchen knife set; cast iron pan; air fryer; baby
stroller; car seat cover; garden hose; tool kit; cordless drill; bike helmet; camping tent;
sleeping bag; board game; puzzle; children's books; novel paperback; vinyl record; guitar
strings; usb cable; phone charger; smart watch; fitness tracker; sunglasses; perfume; face
cream; shampoo; hair dryer; bed sheets; pillow; curtains; area rug; office chair; bookshelf;
picture frame; wall clock; ceramic vase; candle set; dog leash; cat tree; aquarium filter;
bird feeder; fishing rod; tennis racket; football; basketball; skateboard; drone; camera
lens; tripod; microphone; headphones; monitor; printer ink; graphics card; hard drive;
memory card; router; tablet; e-reader; sewing machine; blender; toaster; kettle; rice cooker;
wine glasses; tea set; lunch box; umbrella; raincoat; gloves; beanie; hoodie; t-shirt; jeans;
dress; sneakers; sandals; handbag; necklace; earrings; ring; bracelet; watch strap"""
EN_PRODUCTS = [p.strip() for p in EN_PRODUCTS.replace("\n", " ").split(";")]

EN_ADJ = """new; used; like new; brand new; original; genuine; vintage; handmade; premium;
lightweight; waterproof; durable; compact; portable; adjustable; rechargeable; organic;
eco-friendly; limited edition; classic; modern; soft; comfortable; stylish; affordable;
refurbished; unopened; sealed; mint condition; gently used; oversized; slim; large; small;
medium; black; white; red; blue; green; grey; beige; navy; pink; silver; gold""".replace("\n", " ")
EN_ADJ = [a.strip() for a in EN_ADJ.split(";")]

EN_SENTENCES = [
    "Selling my {adj} {prod}, barely used.",
    "{adj} {prod} in great condition, no scratches.",
    "Comes with original box and all accessories.",
    "Free shipping on orders over $50, ships within 2 business days.",
    "Price is firm, local pickup available in {city}.",
    "Message me if you have any questions about the {prod}.",
    "Bought it last year for ${price}, asking ${price2} or best offer.",
    "Dimensions: {n} x {n2} x {n3} cm, weight {w} kg.",
    "Perfect gift for birthdays and holidays.",
    "Returns accepted within 30 days, buyer pays return shipping.",
    "Smoke-free and pet-free home.",
    "See photos for details; what you see is what you get.",
    "Also have a {adj} {prod} for sale, check my other listings.",
    "Compatible with most models, tested and working.",
    "Battery lasts about {n} hours on a full charge.",
    "Color may vary slightly due to lighting.",
    "Bundle deal: buy two and get 10% off.",
    "Can meet halfway between {city} and {city2}.",
    "Rated {r} out of 5 stars by {n} customers.",
    "Made in {country}, {adj} materials.",
    "Our store has been open since {year}, thank you for your support!",
    "Track your order in the app after checkout.",
    "Size guide: S fits 36-38, M fits 40-42, L fits 44-46.",
    "Machine washable at 30 degrees.",
    "Warranty: {n} months from date of purchase.",
]
EN_CHAT = [
    "hey are you still selling the {prod}?", "yes still available", "can you do ${price}?",
    "lol ok", "when can I pick it up", "tomorrow after 5 works for me", "thanks!!",
    "is the {prod} {adj}?", "sent you the payment", "got it, shipping today",
    "what's the tracking number", "where are you located", "near {city} center",
    "sounds good see you then", "sorry it's sold already", "any scratches on it?",
    "can you send more pics", "ok deal", "does it come with a charger", "haha nice",
    "running 10 min late", "I'm outside", "how much for shipping to {city}?",
    "did you see the game last night", "meeting at the cafe at noon?", "happy birthday!!",
    "can't talk now, call you later", "did you finish the report", "see you at dinner",
]
EN_FORUM = [
    "I've been looking for a good {prod} for months and finally found one.",
    "Does anyone have experience with this seller? The reviews look fine but I'm not sure.",
    "Update: the package arrived today, well packed and exactly as described.",
    "Pro tip: always check the seller's rating before you buy anything over ${price}.",
    "I disagree, the older model is better value for the price.",
    "Thread for sharing deals on {prod} and similar items.",
    "Mods, please pin this post, it keeps coming up every week.",
    "Has anyone tried returning something to this shop? How long did the refund take?",
    "Here's my review after {n} weeks of daily use: solid build, average battery.",
    "The weather in {city} has been terrible so shipping is slow this week.",
    "I'm a beginner and want to start with something cheap. Any recommendations?",
    "Edit: fixed the link, sorry about that.",
]
CITIES = ["London", "Berlin", "Madrid", "Paris", "Toronto", "Austin", "Chicago", "Sydney",
          "Warsaw", "Lisbon", "Moscow", "Kyiv", "Shanghai", "Mexico City", "Bogota", "Lima",
          "Manila", "Lagos", "Nairobi", "Dublin", "Prague", "Vienna", "Seattle", "Denver"]
COUNTRIES = ["Germany", "Italy", "Japan", "Vietnam", "Portugal", "the USA", "Canada", "Poland",
             "China", "Mexico", "Turkey", "India"]

ES_SENTENCES = [
    "Vendo {prod_es} en perfecto estado, casi sin uso.",
    "Envío gratis a toda España en pedidos superiores a 50 €.",
    "Precio negociable, entrega en mano en {city}.",
    "¿Sigue disponible? Me interesa mucho.",
    "Sí, todavía está disponible. ¿Cuándo quieres pasar a recogerlo?",
    "Producto original con garantía de {n} meses.",
    "Acepto pagos por transferencia o Bizum.",
    "Talla única, color azul marino, algodón orgánico.",
    "¡Gracias por tu compra! Te envío el número de seguimiento mañana.",
    "Muy buen vendedor, todo llegó rápido y bien embalado.",
    "¿Hacéis envíos a Latinoamérica? Estoy en {city}.",
    "Oferta de la semana: dos por el precio de uno.",
]
ES_PRODUCTS = ["bicicleta", "sofá", "mesa de comedor", "zapatillas", "chaqueta de cuero",
               "teléfono móvil", "cafetera", "lámpara", "libros de texto", "guitarra española"]
RU_SENTENCES = [
    "Продаю {prod_ru} в отличном состоянии, почти новый.",
    "Доставка по всей России, отправка в течение двух дней.",
    "Цена договорная, самовывоз из центра города.",
    "Здравствуйте, товар ещё в наличии?",
    "Да, в наличии. Когда вам удобно забрать?",
    "Оригинал, гарантия {n} месяцев, есть чек.",
    "Спасибо за покупку! Трек-номер пришлю завтра.",
    "Отличный продавец, всё пришло быстро и хорошо упаковано.",
    "Размер M, цвет чёрный, состав: хлопок 100%.",
    "Скидка 10% при покупке двух товаров.",
    "Привет! Как дела? Встретимся вечером?",
    "Подскажите, пожалуйста, какие размеры есть?",
]
RU_PRODUCTS = ["велосипед", "диван", "холодильник", "ноутбук", "куртку", "кроссовки",
               "телевизор", "детскую коляску", "смартфон", "кофемашину"]
ZH_SENTENCES = [
    "出售{prod_zh}，九成新，功能完好。",
    "全国包邮，下单后四十八小时内发货。",
    "价格可以商量，同城可以面交。",
    "请问还有货吗？",
    "有的，亲，今天下单明天发货。",
    "正品保证，支持七天无理由退换。",
    "谢谢购买！快递单号明天发给您。",
    "卖家很好，包装很仔细，物流也很快。",
    "颜色：黑色，尺码：L，面料：纯棉。",
    "买二送一，活动仅限本周。",
    "晚上一起吃饭吗？",
    "这个手机壳适合哪些型号？",
]
ZH_PRODUCTS = ["手机壳", "运动鞋", "蓝牙耳机", "笔记本电脑", "咖啡机", "婴儿车", "羽绒服",
               "电饭煲", "台灯", "自行车"]
EMOJI = ["😀", "😂", "🙏", "👍", "🔥", "❤️", "✨", "🎉", "📦", "🚚", "💯", "😍", "🤔", "👀",
         "🛒", "💰", "⭐", "✅", "😊", "🙌", "👟", "📱", "🎁", "☕"]

# Real substance names from the knowledge base (data/kb/*.kb, data/seed/seed.kb): INN and
# common names, brands, a few slang terms, and names in Spanish, Russian and Chinese.
DRUGS_EN = ["cocaine", "heroin", "fentanyl", "methamphetamine", "amphetamine", "MDMA",
            "ketamine", "LSD", "oxycodone", "hydrocodone", "morphine", "codeine", "methadone",
            "tramadol", "alprazolam", "diazepam", "clonazepam", "carfentanil", "mephedrone",
            "psilocybin", "mescaline", "GHB", "PCP", "xanax", "oxycontin", "percocet",
            "adderall", "cannabis", "marijuana", "hashish", "ecstasy", "crystal meth",
            "oxymorphone", "hydromorphone", "buprenorphine", "nitazene", "isotonitazene",
            "alpha-PVP", "ephedrine", "pseudoephedrine", "safrole", "lorazepam", "flunitrazepam",
            "2C-B", "DMT", "kratom", "xylazine", "molly", "shrooms", "ganja", "kush"]
DRUGS_INTL = ["cocaína", "heroína", "marihuana", "metanfetamina", "fentanilo", "кокаин",
              "героин", "мефедрон", "метамфетамин", "гашиш", "амфетамин", "可卡因", "海洛因",
              "冰毒", "大麻", "芬太尼", "氯胺酮", "摇头丸"]
POS_CONTEXT = [
    "selling {drug} {q}g, {price} per gram, DM on telegram @{handle}",
    "top quality {drug} available, stealth shipping worldwide, escrow accepted",
    "got {drug} for sale, {q} pills for ${price}, no prescription needed",
    "anyone know where to buy {drug} in {city}? need it asap",
    "pure {drug} {q}g {price} EUR, wickr: {handle}, discreet packaging",
    "{drug} in stock again, same batch as last week, lab tested",
    "vendo {drug} {q} gramos, envío discreto, contacto por telegram",
    "продаю {drug}, закладки по городу, {q} г, пиши в телеграм",
    "出售{drug}，{q}克，微信联系，保密发货",
]
LEET = {"a": "4", "e": "3", "i": "1", "o": "0", "s": "5", "t": "7"}
LEET_ALT = {"a": "@", "o": "0", "e": "3", "i": "!", "s": "$"}
CYR = {"a": "а", "e": "е", "o": "о", "c": "с", "p": "р", "x": "х", "y": "у", "i": "і"}


# ----- text builders -----------------------------------------------------------------------

def fill(rng, tpl):
    """Fill a template's {slots} with random values."""
    if "{" not in tpl:
        return tpl
    p = rng.randint(5, 900)
    return tpl.format(adj=rng.choice(EN_ADJ), prod=rng.choice(EN_PRODUCTS),
                      city=rng.choice(CITIES), city2=rng.choice(CITIES),
                      country=rng.choice(COUNTRIES), price=p, price2=max(1, p - rng.randint(1, p)),
                      n=rng.randint(2, 60), n2=rng.randint(2, 60), n3=rng.randint(2, 60),
                      w=round(rng.uniform(0.1, 20), 1), r=round(rng.uniform(3, 5), 1),
                      year=rng.randint(1995, 2025), prod_es=rng.choice(ES_PRODUCTS),
                      prod_ru=rng.choice(RU_PRODUCTS), prod_zh=rng.choice(ZH_PRODUCTS))


def obfuscate(rng, name):
    """One of the obfuscations sellers use, applied to a substance name."""
    k = rng.randrange(6)
    if k == 0:
        return "".join(LEET.get(c, c) if rng.random() < 0.5 else c for c in name)
    if k == 1:
        return "".join(LEET_ALT.get(c, c) for c in name)
    if k == 2:
        return "".join(CYR.get(c, c) if rng.random() < 0.5 else c for c in name)
    if k == 3:
        return rng.choice([".", "-", " ", "*", "_"]).join(name)
    if k == 4:  # fullwidth forms
        return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in name)
    return "\u200b".join(name[i:i + 2] for i in range(0, len(name), 2))  # zero-width spaces


def positive(rng):
    drug = rng.choice(DRUGS_EN) if rng.random() < 0.8 else rng.choice(DRUGS_INTL)
    if rng.random() < 0.35 and drug.isascii():
        drug = obfuscate(rng, drug.lower())
    elif rng.random() < 0.3:
        drug = drug.upper() if rng.random() < 0.5 else drug.capitalize()
    ctx = rng.choice(POS_CONTEXT).format(drug=drug, q=rng.choice([1, 2, 3.5, 5, 7, 10, 28, 100]),
                                         price=rng.randint(10, 400), city=rng.choice(CITIES),
                                         handle="".join(rng.choice("abcdefghkmnprstuvwxyz123")
                                                        for _ in range(rng.randint(5, 10))))
    return ctx, drug


def sentence(rng, lang):
    if lang == "es":
        return fill(rng, rng.choice(ES_SENTENCES))
    if lang == "ru":
        return fill(rng, rng.choice(RU_SENTENCES))
    if lang == "zh":
        return fill(rng, rng.choice(ZH_SENTENCES))
    return fill(rng, rng.choice(EN_SENTENCES))


def record_text(rng, is_pos):
    """One record's text: a listing, a chat message or a forum post, 50-2000 UTF-8 bytes, and
    the substance mention planted in it (None for a benign record)."""
    r = rng.random()
    lang = "en" if r < 0.72 else "es" if r < 0.84 else "ru" if r < 0.93 else "zh"
    kind = rng.random()
    parts = []
    if kind < 0.45:  # product listing: a title and a description
        target = rng.randint(150, 1200)
        if lang == "en":
            parts.append("%s %s - %s" % (rng.choice(EN_ADJ).title(), rng.choice(EN_PRODUCTS),
                                        rng.choice(CITIES)))
        sep = "\n" if rng.random() < 0.3 else " "
    elif kind < 0.8:  # chat message (sometimes a short thread)
        target = rng.randint(50, 300)
        sep = " "
        if lang == "en":
            parts.append(fill(rng, rng.choice(EN_CHAT)))
    else:  # forum post
        target = rng.randint(300, 1990)
        sep = "\n\n" if rng.random() < 0.2 else " "
        if lang == "en":
            parts.append(fill(rng, rng.choice(EN_FORUM)))
    size = sum(len(p.encode()) for p in parts)
    while size < target:
        if lang == "en" and kind >= 0.8 and rng.random() < 0.5:
            s = fill(rng, rng.choice(EN_FORUM))
        elif lang == "en" and 0.45 <= kind < 0.8:
            s = fill(rng, rng.choice(EN_CHAT))
        else:
            s = sentence(rng, lang)
        if rng.random() < 0.12:
            s += " " + rng.choice(EMOJI)
        parts.append(s)
        size += len(s.encode()) + len(sep)
    mention = None
    if is_pos:
        at = rng.randrange(len(parts) + 1)  # drawn first, as before --labels existed
        ctx, mention = positive(rng)
        parts.insert(at, ctx)
    text = sep.join(parts)
    b = text.encode()
    if len(b) > 2000:  # cut at a character boundary
        text = b[:2000].decode("utf-8", "ignore")
    while len(text.encode()) < 50:
        text += " " + fill(rng, rng.choice(EN_CHAT))
    if mention is not None and mention not in text:
        mention = None  # cut off at the 2000-byte limit: the record is benign after all
    return text, mention


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mb", type=float, default=200, help="megabytes (10^6) to write")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--positives", type=float, default=0.01, help="fraction of positives")
    ap.add_argument("--out", default="-")
    ap.add_argument("--labels", help="also write the positives' ids and planted mentions "
                    "(JSON Lines {\"id\", \"mention\"}) to this file")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    limit = int(a.mb * 1e6)
    out = sys.stdout.buffer if a.out == "-" else open(a.out, "wb")
    labels = open(a.labels, "w", encoding="utf-8") if a.labels else None
    written, n, npos, chunk = 0, 0, 0, []
    while written < limit:
        n += 1
        text, mention = record_text(rng, rng.random() < a.positives)
        if mention is not None:
            npos += 1
            if labels:
                labels.write('{"id":"r%07d","mention":%s}\n' % (n, json.dumps(mention,
                                                                              ensure_ascii=False)))
        line = ('{"id":"r%07d","text":%s}\n' % (n, json.dumps(text, ensure_ascii=False))).encode()
        chunk.append(line)
        written += len(line)
        if len(chunk) >= 4096:
            out.write(b"".join(chunk))
            chunk = []
    out.write(b"".join(chunk))
    out.flush()
    if out is not sys.stdout.buffer:
        out.close()
    if labels:
        labels.close()
    print("gen_corpus: %d records (%d positives), %d bytes" % (n, npos, written), file=sys.stderr)


if __name__ == "__main__":
    main()
