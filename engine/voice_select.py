"""Which of the model's voices speaks the words of an SSML ``<voice>`` element.

SSML 1.1 (3.2.1) lets a document ask for a voice by name, gender, age, variant and the
languages it speaks; when nothing matches, what happens is the processor's choice. Ours, in
order:

1. ``languages``: every voice speaks English only, so a list with another language matches
   none: the current voice is kept.
2. ``name`` (a list, most wanted first): the first that is one of our voices (case does not
   matter) is used. When none is, the gender decides if one was given, else the current
   voice is kept.
3. ``gender`` ("female", "male", "neutral", against ``VoiceInfo.sex``): the voices of that
   sex; none of them: the current voice is kept.
4. ``variant`` n: the n-th voice that matches (model order; all voices when only the variant
   was given); past the last one: the first. Without a variant the current voice is kept when
   it matches (every voice of a blend does), else the first voice that does.

``age`` is not used (the voices have none); the parser says so. Pure functions, no state:
safe from any thread.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bittts.engine.synthesis_types import VoiceInfo
from bittts.engine.text.ssml import VoiceRequest, is_english

__all__ = ["VoiceChoice", "select_voice"]


@dataclass(frozen=True, slots=True)
class VoiceChoice:
    """The outcome of a request: ``voice`` is a voice name, or None to keep the current voice;
    ``problem`` says, in one line, what could not be honoured (None when all was)."""

    voice: str | None
    problem: str | None = None


def select_voice(request: VoiceRequest, voices: Sequence[VoiceInfo], current: Sequence[str] = ()) -> VoiceChoice:
    """The voice for ``request`` among ``voices``; ``current`` names the voices of the caller's
    voice (several for a blend), kept when they match and no variant asks otherwise."""
    foreign = [tag for tag in request.languages if not is_english(tag)]
    if foreign:
        return VoiceChoice(None, f"no voice speaks {', '.join(foreign)} (only English); the current voice is kept")
    problem = None
    if request.names:
        by_name = {v.name.lower(): v.name for v in voices}
        for name in request.names:
            if name.lower() in by_name:
                return VoiceChoice(by_name[name.lower()])
        wanted = " ".join(request.names)
        if request.gender is None:
            return VoiceChoice(None, f'no voice is named "{wanted}"; the current voice is kept')
        problem = f'no voice is named "{wanted}"; one is chosen by gender="{request.gender}"'
    matching = list(voices)
    if request.gender is not None:
        matching = [v for v in voices if v.sex.lower() == request.gender]
        if not matching:
            return VoiceChoice(None, f'no voice matches gender="{request.gender}"; the current voice is kept')
    if request.variant is not None:
        if request.variant <= len(matching):
            return VoiceChoice(matching[request.variant - 1].name, problem)
        return VoiceChoice(
            matching[0].name,
            f"variant={request.variant} asks for more voices than the {len(matching)} that match; the first is used",
        )
    names = {v.name for v in matching}
    if current and all(name in names for name in current):
        return VoiceChoice(None, problem)
    return VoiceChoice(matching[0].name, problem)
