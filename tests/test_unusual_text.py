"""Issue #3, item 4: legitimate text that is merely unusual is not flagged. Near misses for `spun_phrases` and
the verdict: jargon, quotations, non-native English, a product listing, a forum post, poetry, a list of names,
each in a page of nothing but a title and paragraphs (no layout to help). All texts are written for this test.

Dense archaic and technical vocabulary, rare words next to rare words (every neighbour pair unseen in the
reference statistics, each rare word with a common candidate original), reads to a swap model trained on
rare-word thesaurus spins like a spun text: models up to 2026.11.30-142902 flagged it (0.93 against 0.831),
and it was kept here as a strict xfail. Since training spinners offer only synonyms of wordfreq Zipf 2.0 or
more (`training.train.SYNONYM_MIN_ZIPF`, session 25), 233754 scored it 0.62 against 0.784, 025132 0.44
against 0.780 and 063036 0.57 against 0.794; 093717 scores it the same, as a bare page against its bare-page
threshold, 0.781. 143417 scores bare pages with classifiers fitted on bare pages alone, which rank it closer to
their cut: 0.84 against 0.898. It stays as the near miss of the rare-word evidence, with a margin to the
threshold the page gets asserted so that drifting back towards the cut shows."""
from __future__ import annotations

import pytest

from training.plainpage import plain_page

TEXTS = {
    "jargon": (
        'Upgrading the cluster to the new control plane\n'
        'Before draining a node, cordon it so the scheduler stops placing pods there, then evict the '
        'workloads with a pod disruption budget in place. Stateful sets need special care: their '
        'persistent volume claims are bound to a zone, so a replacement pod may stay pending until a node '
        'in the same zone has capacity.\n'
        'We pinned the container runtime to the version validated by the vendor and rotated the kubelet '
        'client certificates before the upgrade. The admission webhook for image signatures failed closed '
        'during the first attempt, which blocked every deployment for eleven minutes; the fix was to '
        'raise its timeout and add a second replica behind the service.\n'
        'After the control plane came back, we ran the conformance suite, checked etcd latency under load '
        'and compared the p99 of the API server against the previous week. Horizontal pod autoscalers '
        'resumed scaling within two minutes. The remaining work is to migrate the ingress controller to '
        'the gateway API and retire the deprecated beta resources before the next minor release.'
    ),
    "quotations": (
        'Residents react to the flood warning\n'
        '"We\'ve been here forty years and never seen the river this high," said Margaret Doyle, who runs '
        'the bakery on Mill Street. "You just get on with it, don\'t you? Sandbags at the door, everything '
        'off the floor, and pray."\n'
        'Her neighbour was less patient. "They told us the wall would hold. Now they\'re saying maybe, '
        'maybe not. Which is it?" he asked, pointing at the brown water lapping the car park.\n'
        "The council's flood officer said the defences had been built for a one-in-a-hundred-year event. "
        '"What we\'re seeing tonight is right at the edge of that," she said. "Nobody should be walking or '
        'driving through flood water. Six inches is enough to knock you off your feet."\n'
        'At the rest centre in the school hall, volunteers handed out tea and blankets. "Honestly, the '
        'kids think it\'s an adventure," laughed one mother. "Ask me again at three in the morning."\n'
        'The Environment Agency said river levels were expected to peak shortly after midnight and fall '
        'slowly through Thursday.'
    ),
    "non_native": (
        'Question about visa for my brother\n'
        'Hello everybody, I am writing from Pakistan and I have one question about the visa for my '
        'younger brother. He is getting admission in university for master degree and the university has '
        'sent him the letter already. But the embassy is asking for bank statement of last six months and '
        'our father account is having the money only since three months because before it was in the '
        'other bank.\n'
        'Is it possible to give the statement of both bank together? Or they will reject? My brother is '
        'very much worried because the classes are starting in September and the appointment date is far '
        'away. Also please tell if the sponsor letter should be on the stamp paper or simple paper is '
        'enough.\n'
        'I have read many posts here but everyone is telling different things. Kindly guide us what is '
        'the correct way, we will be very thankful to you. If somebody has done same process last year, '
        'please share your experience. Thanks in advance and sorry for my English.'
    ),
    "product": (
        "Trail running shoe, men's, waterproof\n"
        '- Upper: engineered mesh with a waterproof, breathable membrane\n'
        '- Midsole: dual-density foam, 8 mm heel-to-toe drop\n'
        '- Outsole: sticky rubber with 5 mm multidirectional lugs\n'
        '- Rock plate in the forefoot for protection on technical trails\n'
        '- Gusseted tongue keeps out grit and small stones\n'
        '- Quick-lace system with a lace garage on the tongue\n'
        '- Weight: 310 g (UK size 9)\n'
        '- Reflective heel tab for low-light running\n'
        'Sizes: UK 6 to 13, including half sizes. Fits true to size; if you are between sizes or plan to '
        'wear thick socks, we suggest going up half a size. Free returns within 30 days on unworn items. '
        'Machine washing is not recommended: rinse off mud with cold water and let the shoes dry away '
        'from direct heat. Pairs well with our merino crew socks and the lightweight running vest, sold '
        'separately.'
    ),
    "forum": (
        "Re: car won't start after battery change??\n"
        'lol been there mate. first thing, did u reset the immobiliser? on mine (2012 diesel) u have to '
        'leave the key in position 2 for like 10 mins after the battery goes back in or it just cranks '
        'and cranks and never fires. sounds daft but it worked for me.\n'
        'also check the earth strap, if its loose u get weird stuff like the dash lights flickering and '
        'the radio asking for a code. mine had a bit of green crud on it, gave it a clean with a wire '
        'brush and it was fine after.\n'
        'if none of that works id get the codes read, any decent garage will do it for a tenner or buy '
        'one of those cheap obd dongles off the internet. dont go throwing parts at it before u know '
        'whats wrong, thats how u end up spending 300 quid on a starter motor u didnt need (ask me how i '
        'know lol). let us know how u get on'
    ),
    "poetry": (
        'The Estuary at Dusk\n'
        'The tide goes out like an argument\n'
        'nobody won, leaving the mud\n'
        'to shine its wet silver coins\n'
        'under a sky the colour of old pewter.\n'
        'Gulls stitch the air above the channel,\n'
        'and the moored boats lean together\n'
        'like tired horses, dreaming of the sea\n'
        'they were promised when the paint was new.\n'
        'My father walked here every evening,\n'
        'hands folded behind him, reading\n'
        'the weather in the reeds, the herons\n'
        'standing in their grey coats of patience.\n'
        'Now the light is a thin blade\n'
        'laid on the water, and the far bank\n'
        'is only a rumour of trees,\n'
        'a pencil line the dark will soon erase.\n'
        'I keep his habit. I do not know\n'
        'what I am listening for: the small\n'
        'applause of water under the jetty,\n'
        'the hush, the long breath of the turning tide.'
    ),
    "names": (
        'Festival volunteers, with thanks\n'
        "Stewards: Aisha Rahman, Tomasz Nowak, Bridget O'Sullivan, Kwame Mensah, Ingrid Solberg, Rafael "
        'Ortega, Mei Lin Chow, Declan Furlong, Priyanka Desai, Henrik Lund.\n'
        'Box office: Siobhan Carey, Yusuf Demir, Elena Popescu, Gareth Pryce, Nomvula Dlamini, Chiara '
        'Benedetti.\n'
        'Stage crew: Magnus Eriksson, Olumide Adeyemi, Fergus MacLeod, Hana Kobayashi, Luca Romano, '
        'Zainab Haddad, Piotr Wisniewski, Callum Baird.\n'
        'First aid: Dr Ruth Abernethy, Samir Khoury, Agnieszka Zielinska, Tendai Moyo.\n'
        'Catering: Rosa Delgado, Padraig Nolan, Shirin Farahani, Eoin Gallagher, Beatriz Carvalho, Kofi '
        'Asante, Maren Holt.\n'
        'Photography: Joaquin Herrera, Lowri Jenkins, Anil Kapoor.\n'
        'Drivers: Stanislav Petrov, Grainne Walsh, Obinna Eze, Helga Brandt, Tariq Aziz.\n'
        'Special thanks to the parish council, the scout troop, the rugby club for the marquee, and '
        'everyone who baked for the cake stall.'
    ),
    "rare_words": (
        "A note on the old apothecary's ledger\n"
        "The ledger, bound in calf and foxed at every corner, records the apothecary's trade between 1788 "
        'and 1803. Entries list electuaries, tinctures of guaiacum, syrup of squills, and a great many '
        'purges compounded from jalap and scammony. Several pages concern the preparation of mithridate, '
        'that antique panacea of some forty ingredients, though by this date it was already thought '
        'quaint by the physicians of the county.\n'
        'Marginalia in a second hand, perhaps an apprentice, note prices in shillings and pence, and '
        "occasional debts written off with a terse 'dec.' for deceased. A loose leaf tucked into the "
        "binding gives a receipt for an emollient cataplasm of linseed, marshmallow root and hog's lard.\n"
        'The volume came to the county archive with a bundle of indentures and a single daguerreotype of '
        'a bewhiskered man in an apron, presumed to be the last proprietor. It has been conserved, '
        'rebacked, and is now available to readers by appointment.'
    ),
}


def _score(detector, name: str):
    title, body = TEXTS[name].split("\n", 1)
    return detector.score(plain_page(title, body))


@pytest.mark.parametrize("name", ["jargon", "quotations", "non_native", "product", "forum", "poetry", "names"])
def test_unusual_legitimate_text_is_not_flagged(detector, name: str) -> None:
    verdict = _score(detector, name)
    spun = next(s for s in verdict.signals if s.name == "spun_phrases")
    assert verdict.language == "en"
    assert not spun.fired, [e.text for e in spun.evidence]
    assert verdict.verdict == "ham", verdict.score


def test_dense_rare_vocabulary_is_not_flagged(detector) -> None:
    verdict = _score(detector, "rare_words")
    assert verdict.verdict == "ham", verdict.score
    assert verdict.score < verdict.threshold - 0.05, (verdict.score, verdict.threshold)   # the threshold it gets
