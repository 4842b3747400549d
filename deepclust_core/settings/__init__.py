"""Settings: what a run is told to do, as frozen dataclasses (TrainConfig in train.py,
AutoencoderConfig in autoencoder.py), the one builder that turns (method, data, user choices)
into a TrainConfig (build.py), a method's options as form fields (options.py) and the run file
the CLI trains from (run_file.py). Torch-free."""
