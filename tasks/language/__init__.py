"""The language stage: each article version's language, script and a second language when it
is mixed (`detect.py`: fastText first, lingua's second opinion where fastText is unsure, the
text is short or its language has close relatives), written to the `languages` table by the
language flow."""

from tasks.language.detect import LanguageInput, LanguageTag, preload_detector, tag_languages, tagger_name

__all__ = ["LanguageInput", "LanguageTag", "preload_detector", "tag_languages", "tagger_name"]
