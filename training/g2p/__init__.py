"""The neural G2P for out-of-vocabulary words: data, model, training, evaluation, fixture."""
