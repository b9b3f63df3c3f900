"""Single values in natural answers: the company, product and market of the context, the
first real sentence of an answer, and the names of the journey's stages."""

from __future__ import annotations

import re

from assistant.guided import lexicon, prose
from assistant.guided import sentences as S
from assistant.guided.facts import Fact


def first_value(text: str, language: str, cut_dash: bool = True) -> str:
    """The first real sentence of the answer, without lead-ins and trailing remarks."""
    for sentence in S.sentences(text):
        value = S.clean(sentence, language)
        if cut_dash:
            value = S.DASH.split(value)[0]
        value = S.clean(S.restore(value), language)
        if value and not S.is_remark(value, language) and not prose.is_pure_remark(value, language):
            return value
    return S.clean(S.restore(text), language)


def context_facts(text: str, name: str, language: str) -> list[Fact]:
    d = lexicon.data(language)
    if name == "market":
        market = market_of(text, language)
        return [Fact("context", "market", market)] if market else []
    if name == "company":
        facts = []
        body = S.strip_lead(text.strip(), language)
        rest = ""
        for pattern in d.get("company_patterns", []):
            found = re.search(pattern, body)
            if found:
                company = re.split(r"\.\s", found.group("name"))[0]  # 'Acme. We sell' -> 'Acme'
                rest = body[found.start("name") + len(company) :]
                facts.append(Fact("context", "company", company.strip(" .,!")))
                break
        if not facts:
            company = first_value(text, language)
            facts.append(Fact("context", "company", company))
            first = S.restore(S.sentences(body)[0]) if S.sentences(body) else body
            rest = body[len(first) :] if S.clean(first, language) == company else ""
        origin = d.get("company_origin")  # 'Acme from Leeds' -> 'Acme'
        if origin:
            facts[0].value = re.sub(origin, "", str(facts[0].value)).strip() or facts[0].value
        for sentence in S.sentences(rest.lstrip(" .!")):
            plain = S.clean(S.restore(sentence), language)
            if plain and lexicon.any_match(language, "product_cues", plain):
                facts.append(Fact("context", "product", product_text(plain, language)))
                break
        return facts + _market_said(rest, language)
    if name == "product":
        value = first_value(text, language, cut_dash=False)
        facts = []
        found = re.match(d.get("product_named", r"(?!x)x"), value)
        if found:
            facts.append(Fact("context", "company", found.group("name"), {"if_empty": True}))
            value = found.group("rest")
        product = Fact("context", "product", product_text(value, language))
        return [*facts, product, *_market_said(text, language)]
    return [Fact("context", name, first_value(text, language, cut_dash=False))]


def _market_said(text: str, language: str) -> list[Fact]:
    """The market said along the way ('we only sell to clinics', 'quindi B2B'), for the map
    while its market is still empty."""
    for sentence in S.sentences(text):
        plain = S.restore(sentence)
        clause = lexicon.any_match(language, "market_cues", plain)
        if clause:
            market = market_of(plain[clause.start() :], language)
            if market:
                return [Fact("context", "market", market, {"if_empty": True})]
    return []


def product_text(text: str, language: str) -> str:
    """What the company sells: without 'we make' and the market clause ('and we only sell to
    X')."""
    pattern = lexicon.data(language).get("product_prefix")
    if pattern:
        text = re.sub(pattern, "", text, count=1, flags=re.IGNORECASE)
    clause = lexicon.any_match(language, "market_cues", text)
    if clause and clause.start() > 3:
        text = re.sub(r"[\s,]+(?:and|e|i|oraz|ed)?\s*$", "", text[: clause.start()])
    return text.strip(" ,.")


def market_of(text: str, language: str) -> str | None:
    literal = re.search(r"\bb2([bc])\b", text, re.IGNORECASE)
    if literal:
        return f"b2{literal.group(1).casefold()}"
    d = lexicon.data(language)
    negation = lexicon.words_re(language, "market_negation")
    score = {"b2b": 0, "b2c": 0}
    first = re.split(r"[.;!?]", text.casefold(), maxsplit=1)[0]
    for clause in re.split(r"[,.;:!?–—-]+", text.casefold()):
        sign = -1 if negation.search(clause) else 1
        if clause and clause in first:
            sign *= 2  # the first sentence says it; later ones qualify it
        for kind in ("b2b", "b2c"):
            words = d.get(kind, [])
            if any(re.search(rf"(?<![\w]){re.escape(str(w))}", clause) for w in words):
                score[kind] += sign
    if score["b2b"] == score["b2c"]:
        return None
    return "b2b" if score["b2b"] > score["b2c"] else "b2c"


def stage_names(text: str, language: str) -> list[str]:
    body = S.strip_lead(text.strip(), language)
    lines = [S.BULLET.sub("", line).strip() for line in body.splitlines() if line.strip()]
    if len(lines) >= 2:
        names = lines
    else:
        if ":" in body.split(",")[0]:
            body = body.split(":", 1)[1]
        arrows = S.arrow_list(body)
        names = arrows or re.split(r",|;|\s+/\s+|\s+[–—-]\s+", body)
        if len(names) > 1 and not arrows and "," in body:
            last = lexicon.words_re(language, "list_joiners")
            tail = [p for p in last.split(names[-1]) if p.strip()]
            names = names[:-1] + tail
    out = []
    for raw in names:
        name = re.sub(r"\s*\([^)]*\)", "", S.clean(raw, language))
        name = S.clean(
            re.sub(lexicon.data(language).get("stage_lead", "(?!x)x"), "", name, flags=re.I),
            language,
        )
        if name:
            out.append(name[0].upper() + name[1:])
    return out[:15]
