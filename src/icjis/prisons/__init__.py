"""Module G: the prison register — admissions fed from verdicts in force, the sentence
calculation kept as evidence, transfers, releases, population reconciliation."""
