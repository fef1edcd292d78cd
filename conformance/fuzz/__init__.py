"""Property-based fuzzing: generators, labelled mutations, differential runner, shrinker."""
