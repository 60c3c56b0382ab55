"""A stand-in for the parts of NVDA's synthDriverHandler that the BitTTS driver uses: the
SynthDriver base class (settings as properties through _get_/_set_ methods, the standard
setting descriptors), VoiceInfo, and the synthIndexReached / synthDoneSpeaking notifications."""


class Action:
    """An extension point: handlers registered, called with keyword arguments on notify."""

    def __init__(self):
        self.handlers = []

    def register(self, handler):
        self.handlers.append(handler)

    def unregister(self, handler):
        self.handlers.remove(handler)

    def notify(self, **kwargs):
        for handler in list(self.handlers):
            handler(**kwargs)


synthIndexReached = Action()
synthDoneSpeaking = Action()


class StringParameterInfo:
    def __init__(self, id, displayName):
        self.id = id
        self.displayName = displayName


class VoiceInfo(StringParameterInfo):
    def __init__(self, id, displayName, language=None):
        super().__init__(id, displayName)
        self.language = language


class DriverSetting:
    def __init__(self, id, numeric=False, boolean=False):
        self.id, self.numeric, self.boolean = id, numeric, boolean


class SynthDriver:
    """Properties as NVDA's AutoPropertyObject makes them: ``synth.rate`` calls ``_get_rate``,
    ``synth.rate = 5`` calls ``_set_rate``; ``availableVoices`` calls ``_getAvailableVoices``."""

    name = ""
    description = ""
    supportedSettings = ()
    supportedCommands = frozenset()
    supportedNotifications = frozenset()

    @classmethod
    def check(cls):
        return False

    @classmethod
    def VoiceSetting(cls):
        return DriverSetting("voice")

    @classmethod
    def VariantSetting(cls):
        return DriverSetting("variant")

    @classmethod
    def RateSetting(cls, minStep=1):
        return DriverSetting("rate", numeric=True)

    @classmethod
    def RateBoostSetting(cls):
        return DriverSetting("rateBoost", boolean=True)

    @classmethod
    def PitchSetting(cls, minStep=1):
        return DriverSetting("pitch", numeric=True)

    @classmethod
    def VolumeSetting(cls, minStep=1):
        return DriverSetting("volume", numeric=True)

    def __init__(self):
        self.terminated = False

    def terminate(self):
        self.terminated = True

    def __getattr__(self, name):
        getter = type(self).__dict__.get(f"_get_{name}")
        if getter is not None:
            return getter(self)
        if name in ("availableVoices", "availableVariants"):
            return getattr(self, f"_getAvailable{name[len('available') :]}")()
        raise AttributeError(name)

    def __setattr__(self, name, value):
        setter = type(self).__dict__.get(f"_set_{name}")
        if setter is not None:
            setter(self, value)
        else:
            object.__setattr__(self, name, value)
