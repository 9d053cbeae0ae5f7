"""The self-checks: signals grouped by theme, and the advice they lead to.

Signals are puzzle pieces: the result is advice with an urgency, never a verdict, and it lists
the answers that led to it. Any sign of acute danger leads to 112, whatever else was ticked.
Nothing here stores anything: `assess` is a pure function of the answers.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from enum import IntEnum, StrEnum
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

STRONG = 3  # one strong signal is enough for "act soon"
ACT_SOON_TOTAL = 5  # or several weaker pieces that together weigh this much


class Theme(StrEnum):
    BEHAVIOUR = "behaviour"
    RELATIONS = "relations"
    ONLINE = "online"
    MONEY = "money"
    SCHOOL = "school"
    BODY = "body"


THEME_LABELS: dict[Theme, StrPromise] = {
    Theme.BEHAVIOUR: _("Behaviour"),
    Theme.RELATIONS: _("Relations and contacts"),
    Theme.ONLINE: _("Phone and online"),
    Theme.MONEY: _("Money and things"),
    Theme.SCHOOL: _("School and absence"),
    Theme.BODY: _("Body and health"),
}


class Urgency(IntEnum):
    NO_SIGNALS = 0
    KEEP_WATCHING = 1
    ACT_SOON = 2
    ACUTE = 3


@dataclass(frozen=True)
class Question:
    key: str
    text: StrPromise


@dataclass(frozen=True)
class Signal:
    key: str
    theme: Theme
    text: StrPromise
    weight: int  # 1 a loose puzzle piece, 2 a clearer sign, 3 a strong sign on its own
    why: StrPromise


@dataclass(frozen=True)
class SelfCheck:
    slug: str
    acute: tuple[Question, ...]
    signals: tuple[Signal, ...]
    # Directory entries (by slug) to contact, per urgency, most fitting first.
    contacts: dict[Urgency, tuple[str, ...]]

    def themes(self) -> list[tuple[Theme, list[Signal]]]:
        return [
            (theme, [s for s in self.signals if s.theme == theme])
            for theme in Theme
            if any(s.theme == theme for s in self.signals)
        ]

    def signal(self, key: str) -> Signal:
        return next(s for s in self.signals if s.key == key)


@dataclass(frozen=True)
class Advice:
    urgency: Urgency
    acute: tuple[Question, ...]  # the acute-danger answers that were ticked
    signals: tuple[Signal, ...]  # the signals that were ticked, heaviest first
    total_weight: int
    contacts: tuple[str, ...]


class UnknownAnswer(ValueError):
    """An answer that is not a question of this self-check."""


def assess(check: SelfCheck, answers: Collection[str]) -> Advice:
    acute_keys = {q.key for q in check.acute}
    signal_keys = {s.key for s in check.signals}
    unknown = set(answers) - acute_keys - signal_keys
    if unknown:
        raise UnknownAnswer(sorted(unknown))
    acute = tuple(q for q in check.acute if q.key in answers)
    signals = tuple(sorted((s for s in check.signals if s.key in answers), key=lambda s: -s.weight))
    total = sum(s.weight for s in signals)
    if acute:
        urgency = Urgency.ACUTE
    elif any(s.weight >= STRONG for s in signals) or total >= ACT_SOON_TOTAL:
        urgency = Urgency.ACT_SOON
    elif signals:
        urgency = Urgency.KEEP_WATCHING
    else:
        urgency = Urgency.NO_SIGNALS
    return Advice(
        urgency=urgency,
        acute=acute,
        signals=signals,
        total_weight=total,
        contacts=check.contacts[urgency],
    )


def _s(key: str, theme: Theme, weight: int, text: StrPromise, why: StrPromise) -> Signal:
    return Signal(key=key, theme=theme, text=text, weight=weight, why=why)


B, R, ON, M, S, H = (
    Theme.BEHAVIOUR,
    Theme.RELATIONS,
    Theme.ONLINE,
    Theme.MONEY,
    Theme.SCHOOL,
    Theme.BODY,
)
PUBERTY = _("On its own this often fits puberty too; it counts together with other pieces.")

PARENT_CHECK = SelfCheck(
    slug="parents",
    acute=(
        Question("danger_now", _("My child or someone else is in danger right now.")),
        Question("threat_now", _("Someone is threatening my child or our family with violence.")),
        Question(
            "missing_now",
            _("My child is missing and I think they are with someone who exploits them."),
        ),
    ),
    signals=(
        _s("mood", B, 1, _("Their mood has changed: withdrawn, anxious, angry or down."), PUBERTY),
        _s("secretive", B, 1, _("They are secretive about where they go and with whom."), PUBERTY),
        _s(
            "runs_away",
            B,
            3,
            _("They stay away at night or run away from home."),
            _(
                "Staying away, especially at night, is one of the clearest signs that someone else "
                "has a hold on them."
            ),
        ),
        _s(
            "substances",
            B,
            2,
            _("They drink or use drugs more, or new kinds."),
            _("Exploiters use alcohol and drugs to make young people dependent and compliant."),
        ),
        _s(
            "older_friend",
            R,
            3,
            _("They have a new, older boyfriend or friend whom you may not meet."),
            _(
                "Exploiters often start as an older 'boyfriend' who keeps out of the parents' "
                "sight."
            ),
        ),
        _s(
            "new_friends",
            R,
            1,
            _("They drop old friends for new friends you do not know."),
            PUBERTY,
        ),
        _s(
            "picked_up",
            R,
            3,
            _("Strangers or unknown cars pick them up or drop them off."),
            _(
                "Being picked up by people you do not know may mean they are taken to clients or "
                "addresses."
            ),
        ),
        _s(
            "turns_away",
            R,
            2,
            _("They turn away from the family, as if someone sets them against you."),
            _("Cutting a child off from family is a step in grooming: it makes them dependent."),
        ),
        _s(
            "second_phone",
            ON,
            2,
            _("They have a second phone, new accounts or several SIM cards."),
            _("A second phone is often given by an exploiter to keep contact out of sight."),
        ),
        _s(
            "phone_fear",
            ON,
            2,
            _("They get messages at all hours and are tense or scared when the phone goes."),
            _("Someone who must always answer is being controlled."),
        ),
        _s(
            "images",
            ON,
            3,
            _("They seem afraid that photos or videos of them will be spread."),
            _(
                "Fear of images being spread points to sextortion: about a quarter of victims are "
                "forced this way."
            ),
        ),
        _s(
            "secret_contacts",
            ON,
            1,
            _("They have online contacts they have never met and keep secret."),
            _("Half of the victims met their exploiter through social media."),
        ),
        _s(
            "unexplained_money",
            M,
            2,
            _("They have money, clothes or a phone they cannot explain."),
            _("Presents and money are used to win a child over and later to claim a debt."),
        ),
        _s(
            "debt",
            M,
            3,
            _("They say they owe someone money or a favour."),
            _("A debt is a common way to force young people to 'pay it back' with sex."),
        ),
        _s(
            "hotel_tickets",
            M,
            3,
            _("You find hotel key cards, train tickets or taxi receipts you cannot place."),
            _("Such finds may show that they are taken to places where they are exploited."),
        ),
        _s("skips_school", S, 1, _("They skip school or their marks drop suddenly."), PUBERTY),
        _s("tired", S, 1, _("They are very tired or sleep at odd times."), PUBERTY),
        _s(
            "injuries",
            H,
            2,
            _("They have injuries they will not or cannot explain."),
            _("Unexplained injuries can point to violence by someone who controls them."),
        ),
        _s(
            "tattoo",
            H,
            3,
            _("They have a new tattoo or a name on their skin they did not choose."),
            _("Exploiters sometimes mark victims as their 'property'."),
        ),
        _s(
            "sexual_health",
            H,
            2,
            _("They have genital complaints, are pregnant, or often need the morning-after pill."),
            _("Sexual health problems at a young age can point to sex they did not choose."),
        ),
    ),
    contacts={
        Urgency.ACUTE: ("112", "politie", "veilig-thuis"),
        Urgency.ACT_SOON: ("veilig-thuis", "vangnet-chat", "politie"),
        Urgency.KEEP_WATCHING: ("vangnet-chat", "veilig-thuis"),
        Urgency.NO_SIGNALS: ("vangnet-chat",),
    },
)

YOUNG_CHECK = SelfCheck(
    slug="young",
    acute=(
        Question("danger_now", _("I am in danger right now.")),
        Question("cannot_leave", _("I am somewhere I cannot leave.")),
        Question("hurt_threat", _("Someone threatens to hurt me or my family.")),
    ),
    signals=(
        _s(
            "cannot_say_no",
            B,
            3,
            _("I do things I do not want to, because someone pushes me."),
            _("If you cannot say no, someone else is in charge of you. That is not okay."),
        ),
        _s(
            "coping",
            B,
            2,
            _("I drink or use drugs to get through it."),
            _("Many young people who are used by someone try to numb the feeling."),
        ),
        _s(
            "secret_boyfriend",
            R,
            2,
            _("I have a boyfriend or friend who is much older and wants to keep us secret."),
            _("Someone who loves you does not need to keep you hidden."),
        ),
        _s(
            "sex_with_others",
            R,
            3,
            _("Someone asked me to have sex with others, or to 'be nice' to his friends."),
            _("This is exploitation. It is a crime, for him, never for you."),
        ),
        _s(
            "cut_off",
            R,
            2,
            _("Because of someone, I see my friends or family less."),
            _("Cutting you off from others makes you depend on one person."),
        ),
        _s(
            "nude_threat",
            ON,
            3,
            _("Someone has nude photos or videos of me and threatens to share them."),
            _("This is sextortion. It is a crime, and you can get help to stop it."),
        ),
        _s(
            "phone_control",
            ON,
            2,
            _("Someone checks my phone or tells me what to post."),
            _("Controlling your phone is controlling you."),
        ),
        _s(
            "pay_back",
            M,
            3,
            _("I got presents or money, and now I have to 'pay it back'."),
            _("Presents that turn into a debt are a trick exploiters use."),
        ),
        _s(
            "owe_scared",
            M,
            3,
            _("I owe someone money or a favour and I am scared."),
            _("Nobody may force you to pay a debt with sex or crime."),
        ),
        _s(
            "sleep_elsewhere",
            S,
            2,
            _("Because of someone, I miss school or sleep at places other than home."),
            _("Being taken away from school and home can be part of being used."),
        ),
        _s(
            "hurt",
            H,
            3,
            _("Someone hurts me, or I had sex I did not want."),
            _("That is violence. You have the right to help, also from a doctor."),
        ),
    ),
    contacts={
        Urgency.ACUTE: ("112", "vangnet-chat", "kindertelefoon"),
        Urgency.ACT_SOON: ("vangnet-chat", "kindertelefoon", "centrum-seksueel-geweld"),
        Urgency.KEEP_WATCHING: ("vangnet-chat", "kindertelefoon"),
        Urgency.NO_SIGNALS: ("vangnet-chat", "kindertelefoon"),
    },
)

CHECKS = {check.slug: check for check in (PARENT_CHECK, YOUNG_CHECK)}


@dataclass(frozen=True)
class AdviceText:
    headline: StrPromise
    steps: tuple[StrPromise, ...]


CALL_112 = _("Call 112 now.")
ADVICE_TEXTS: dict[str, dict[Urgency, AdviceText]] = {
    PARENT_CHECK.slug: {
        Urgency.ACUTE: AdviceText(
            CALL_112,
            (
                _("You ticked that there is danger right now. Call 112 at once."),
                _("Stay with your child if you can do so safely."),
                _("When the danger is over, call Veilig Thuis (0800-2000) for help and advice."),
            ),
        ),
        Urgency.ACT_SOON: AdviceText(
            _("Take this seriously: get advice soon, today or this week."),
            (
                _(
                    "Some of what you ticked are strong signs. That is not proof, but it is a "
                    "reason to act."
                ),
                _(
                    "Call Veilig Thuis (0800-2000, day and night) or talk it through in our "
                    "anonymous chat."
                ),
                _("Write down what you see, with dates. Keep evidence, but never forward images."),
                _("Keep talking with your child. Do not confront the person you suspect."),
                _("If your child is in danger, call 112."),
            ),
        ),
        Urgency.KEEP_WATCHING: AdviceText(
            _("Keep watching, and talk about it."),
            (
                _("What you ticked are loose puzzle pieces. They can also fit puberty."),
                _("Keep talking with your child, and write down what you see, with the date."),
                _(
                    "Talk it through with a counsellor in our anonymous chat, or ask Veilig Thuis "
                    "for advice."
                ),
                _("Do this check again when you see more."),
            ),
        ),
        Urgency.NO_SIGNALS: AdviceText(
            _("You ticked no signals."),
            (
                _(
                    "Still worried? Trust your gut feeling. You can talk it through in our "
                    "anonymous chat."
                ),
                _("Read about signals, and about what you can do."),
            ),
        ),
    },
    YOUNG_CHECK.slug: {
        Urgency.ACUTE: AdviceText(
            CALL_112,
            (
                _("You ticked that you are in danger. Call 112: it is free, even without credit."),
                _("When you are safe, chat with us or call De Kindertelefoon (0800-0432)."),
            ),
        ),
        Urgency.ACT_SOON: AdviceText(
            _("What you ticked is serious. You deserve help."),
            (
                _("This is not your fault, whatever happened."),
                _("Chat with us anonymously: you decide what you tell and what happens next."),
                _("Or call De Kindertelefoon, free and anonymous: 0800-0432."),
                _(
                    "If someone threatens you with nude images: do not pay and do not send more. "
                    "Keep the messages."
                ),
                _("If you are in danger, call 112."),
            ),
        ),
        Urgency.KEEP_WATCHING: AdviceText(
            _("Something is bothering you. Talk about it."),
            (
                _(
                    "What you ticked can be a first sign that someone is using you. It is not "
                    "your fault."
                ),
                _("Chat with us anonymously, or talk to someone you trust."),
            ),
        ),
        Urgency.NO_SIGNALS: AdviceText(
            _("You ticked nothing."),
            (_("If something still feels wrong, you can always chat with us anonymously."),),
        ),
    },
}

WEIGHT_LABELS: dict[int, StrPromise] = {
    1: _("puzzle piece"),
    2: _("clearer sign"),
    3: _("strong sign"),
}
