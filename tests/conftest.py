import os

# Qt runs without a screen in the tests.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
