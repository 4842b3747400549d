"""Data: the `Dataset` every run trains on, and the loaders that make one from a built-in name
or a user's file (CSV / TSV, .npy, .npz, a .zip of images, IDX), each with one clear line
(`DataError`) for a file it cannot take; read-only arrays and mappings (frozen.py). Torch-free."""
