"""A stand-in for the speech commands of NVDA's speech.commands that the BitTTS driver reads."""


class SpeechCommand:
    pass


class IndexCommand(SpeechCommand):
    def __init__(self, index):
        self.index = index


class CharacterModeCommand(SpeechCommand):
    def __init__(self, state):
        self.state = state


class BreakCommand(SpeechCommand):
    def __init__(self, time=0):
        self.time = time


class LangChangeCommand(SpeechCommand):
    def __init__(self, lang):
        self.lang = lang


class SynthParamCommand(SpeechCommand):
    """A change relative to the current setting: value * multiplier + offset."""

    def __init__(self, offset=0, multiplier=1, isDefault=False):
        self.offset, self.multiplier, self.isDefault = offset, multiplier, isDefault


class PitchCommand(SynthParamCommand):
    pass


class RateCommand(SynthParamCommand):
    pass


class VolumeCommand(SynthParamCommand):
    pass


class PhonemeCommand(SpeechCommand):
    def __init__(self, ipa, text=None):
        self.ipa, self.text = ipa, text
