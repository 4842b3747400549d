"""Settings: what a run is told to do, as frozen dataclasses (TrainConfig in train.py,
AutoencoderConfig in autoencoder.py), a method's options as form fields (options.py), the
optimisers' descriptions (optimisers.py) and the run file the CLI trains from (run_file.py).
Below the method cards; the builder that reads both is recipe/build.py. Torch-free."""
