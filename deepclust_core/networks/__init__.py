"""Networks: the autoencoders (the MLP and the conv network in autoencoder.py, DEPICT's in
depict.py, build.py makes the one a config names), their pretraining with its cache
(pretrain.py), DEPICT's layer-wise reconstruction and the batch embeddings a snapshot reuses."""
