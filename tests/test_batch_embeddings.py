import numpy as np
import torch

from deepclust_core.networks.build import build_autoencoder
from deepclust_core.settings.autoencoder import AutoencoderConfig
from deepclust_core.networks.batch_embeddings import BatchEmbeddings
from deepclust_core.training.loop import embed

CONFIG = AutoencoderConfig(hidden=(16, 16, 32), embedding_dim=3)


def batches(n, size):
    order = torch.randperm(n, generator=torch.Generator().manual_seed(0))
    return [order[start:start + size] for start in range(0, n, size)]


def test_the_batches_forward_passes_give_every_rows_embedding():
    torch.manual_seed(0)
    autoencoder, X = build_autoencoder(CONFIG, 8, None), torch.randn(50, 8)
    fresh = []
    with BatchEmbeddings(autoencoder, len(X), np.arange(5),
                         lambda rows: fresh.append(rows) or np.zeros((len(rows), 3))) as kept:
        kept.start_epoch()
        for index in batches(len(X), 16):
            with kept.batch(index):
                autoencoder(X[index])[1].sum().backward()  # weights unchanged: no optimiser step
                autoencoder(X[index])  # a second pass in the same batch is not taken
        embed(autoencoder, X)  # nor an evaluation pass
        taken = kept.take()
        assert np.allclose(taken[5:], embed(autoencoder, X)[5:], atol=1e-6)  # the batches' embeddings
        assert np.array_equal(fresh[0], np.arange(5)) and not taken[:5].any()  # the fresh rows from embed_rows
    assert not autoencoder.encoder._forward_hooks  # the hook is removed on the way out


def test_an_incomplete_epoch_or_dropout_gives_nothing():
    torch.manual_seed(0)
    autoencoder, X = build_autoencoder(CONFIG, 8, None), torch.randn(50, 8)
    with BatchEmbeddings(autoencoder, len(X), np.arange(5), lambda rows: None) as kept:
        kept.start_epoch()
        first = batches(len(X), 16)[0]
        with kept.batch(first):
            autoencoder(X[first])
        assert kept.take() is None
    noisy = build_autoencoder(AutoencoderConfig(kind="depict", embedding_dim=3), 8, None)
    with BatchEmbeddings(noisy, len(X), np.arange(5), lambda rows: None) as kept:
        kept.start_epoch()
        for index in batches(len(X), 16):
            with kept.batch(index):
                noisy(X[index])
        assert kept.take() is None
