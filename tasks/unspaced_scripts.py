"""The scripts written without spaces between words, as one regular-expression character class:
word counts, search terms and anything else that must segment such text with ICU share it.

Thai, Lao, Myanmar (+ extensions), Khmer (+ symbols), CJK punctuation, Hiragana, Katakana (+
phonetic extension), Han (unified, extension A, compatibility, and the supplementary planes), and
the fullwidth/halfwidth forms used inside CJK text.
"""

UNSPACED_CLASS = (
    "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u19e0-\u19ff\ua9e0-\ua9ff\uaa60-\uaa7f"
    "\u3000-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
    "\U00020000-\U0003ffff"
)
