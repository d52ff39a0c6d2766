"""How articles are compared for duplicates (a flow parameter; the Prefect UI renders it as a form)."""

from __future__ import annotations

from pydantic import BaseModel, Field, model_validator


class DedupSettings(BaseModel):
    """How articles are compared. Changing any of these regroups every article on the next run;
    changing the signature settings also recomputes every signature."""

    threshold: float = Field(0.8, gt=0.0, le=1.0, description="Jaccard similarity of shingle sets at or above which two articles are near duplicates.")
    num_perm: int = Field(256, ge=16, le=1024, description="MinHash permutations per signature; verification estimates Jaccard from them, so more permutations estimate it more closely (bench/README.md).")
    bands: int = Field(32, ge=1, description="LSH bands: two articles become candidates when all rows of one band agree.")
    rows: int = Field(8, ge=1, description="MinHash rows per LSH band (bands x rows <= num_perm): two articles are candidates with probability 1 - (1 - J^rows)^bands.")
    seed: int = Field(42, description="Seed of the MinHash permutations.")
    word_ngram: int = Field(2, ge=1, le=16, description="Words per shingle in scripts written with spaces: fewer keep an edited copy above the threshold, more push unrelated texts further below it (bench/README.md).")
    char_ngram: int = Field(4, ge=1, le=16, description="Characters per shingle in texts written without spaces (Chinese, Japanese, Thai, Lao, Khmer, Myanmar): about two words, like word_ngram.")
    char_share: float = Field(0.5, ge=0.0, le=1.0, description="Share of no-space-script characters among its tokens above which an article is shingled by characters.")
    max_bucket: int = Field(100, ge=2, description="Articles sharing one band hash are compared pairwise up to this many; in a fuller bucket (boilerplate, a story copied hundreds of times) each is compared with the bucket's first article only.")
    translations: bool = Field(True, description="Also group articles in different languages that are translations of one text.")
    translation_threshold: float = Field(0.5, gt=0.0, le=1.0, description="Share of prose numbers lining up in order at about the same place (2*LCS/(m+n)) at or above which two articles in different languages are translations.")
    position_tolerance: float = Field(0.15, gt=0.0, le=1.0, description="How far apart (as a share of each text's length) two equal numbers may stand and still line up: translations keep their numbers in place, other reports of a story do not (bench/README.md).")
    min_shared_figures: int = Field(2, ge=0, description="Aligned numbers that must be figures (decimals, or integers above 31) for a translation: pages of one template (privacy policies, tutorials) align days, section and line numbers only.")
    min_names: int = Field(3, ge=1, description="Latin-script names (capitalized words not opening a sentence, acronyms) both articles must have for their names to count against a translation; articles in other scripts carry few and are judged by their numbers alone.")
    min_shared_names: float = Field(0.2, ge=0.0, le=1.0, description="Share of the smaller set of names two articles must have in common when both have min_names: a translation keeps its names, pages of one template for other places or companies share none (bench/README.md).")
    min_numbers: int = Field(5, ge=2, description="Articles with fewer prose numbers than this are never matched as translations: too little evidence.")
    min_shared_pairs: int = Field(3, ge=1, description="Pairs of nearby numbers two articles must share to be compared as translations (a filter for cost; the decision is translation_threshold).")
    max_pair_articles: int = Field(200, ge=2, description="A pair of nearby numbers found in more articles than this (dates, common figures) is not evidence.")
    max_numbers: int = Field(200, ge=10, description="Numbers kept per article for the translation fingerprint.")
    signature_batch: int = Field(500, ge=1, description="Articles one worker process signs at a time; a dedup task hands each worker ten such batches. A run with at most one such batch per worker signs in its own process, starting no workers.")

    @model_validator(mode="after")
    def _bands_fit(self) -> DedupSettings:
        if self.bands * self.rows > self.num_perm:
            raise ValueError(f"bands x rows ({self.bands} x {self.rows}) exceeds num_perm ({self.num_perm})")
        return self
