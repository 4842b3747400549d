"""DeepClusterer keeps scikit-learn's contract for estimators (https://scikit-learn.org/stable/developers/develop.html)
and checks X as the CLI checks a data set."""
import pickle
import warnings

import numpy as np
import pytest
from scipy.sparse import csr_matrix
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils import estimator_checks

from deepclust_core import DataError, DeepClusterer, load_dataset
from deepclust_core.cli.main import main

TINY = dict(pretrain_epochs=1, cluster_epochs=1, batch_size=16, autoencoder={"hidden": (8,), "embedding_dim": 2},
            record=False, use_cache=False, device="cpu")

# scikit-learn's own checks that apply to a deep clusterer trained for an epoch or two. Left out: the checks that
# set n_clusters = 1 (K is at least 2 here, as in the CLI and the app), that expect scikit-learn's own wording for
# empty or complex data (the messages here are the CLI's), or numbers stored as Python objects (refused as text).
CHECKS = ["check_estimator_cloneable", "check_no_attributes_set_in_init", "check_get_params_invariance",
          "check_set_params", "check_parameters_default_constructible",
          "check_do_not_raise_errors_in_init_or_set_params", "check_mixin_order", "check_estimators_unfitted",
          "check_transformers_unfitted", "check_fit_check_is_fitted", "check_estimators_fit_returns_self",
          "check_n_features_in_after_fitting", "check_estimators_nan_inf", "check_estimator_sparse_array",
          "check_estimators_pickle", "check_clustering", "check_clusterer_compute_labels_predict",
          "check_transformer_general", "check_fit_idempotent"]


@pytest.mark.parametrize("check", CHECKS)
def test_scikit_learns_checks(check):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # their data sets are tiny: k-means and the metrics warn
        getattr(estimator_checks, check)("DeepClusterer", DeepClusterer(3, **TINY))


def test_init_only_stores_and_clone_copies_the_parameters():
    model = DeepClusterer(1, method="nonsense", method_options={"n_init": 3})  # checked by fit, not here
    assert model.get_params()["method"] == "nonsense" and model.get_params()["n_clusters"] == 1
    twin = clone(model.set_params(method="dkm", n_clusters=4))
    assert twin is not model and twin.get_params() == model.get_params()
    assert twin.method_options == {"n_init": 3} and twin.method_options is not model.method_options
    with pytest.raises(ValueError, match="unknown method 'nonsense'"):
        DeepClusterer(4, method="nonsense", **TINY).fit(load_dataset("blobs", n_samples=40).X)


def test_predict_and_transform_need_a_fit():
    model = DeepClusterer(4, **TINY)
    for use in (model.predict, model.transform):
        with pytest.raises(NotFittedError):
            use(np.zeros((3, 2)))


@pytest.mark.parametrize("X, k, message", [
    (np.array([[0.0, 1.0], [np.nan, 2.0]] * 10), 2, "array: 10 cells are NaN or infinite (first at row 1, column 0)"),
    (np.array([["1", "x"]] * 20, dtype=object), 2,
     "array: the data contains text cells; only numbers can be clustered"),
    (np.zeros((5, 2)), 4, "array: 5 rows are too few for K = 4; need at least 8"),
    (np.zeros((20, 2)), 1, "K must be an integer of at least 2, got 1"),
    (csr_matrix(np.eye(20)), 2, "X is a sparse matrix, which is not supported: pass dense rows (X.toarray())"),
])
def test_bad_input_is_one_clear_line(X, k, message):
    with pytest.raises(DataError) as raised:
        DeepClusterer(k, **TINY).fit(X)
    assert str(raised.value) == message


def test_too_few_rows_reads_as_in_the_cli(capsys):
    assert main(["train", "--data", "blobs", "--n-samples", "6", "--k", "4", "--no-store"]) == 2
    cli = capsys.readouterr().err.strip()
    with pytest.raises(DataError) as raised:
        DeepClusterer(4, **TINY).fit(load_dataset("blobs", n_samples=6))
    assert cli == f"error: {raised.value}"


def test_a_fitted_model():
    data = load_dataset("blobs", n_samples=200, noise=0.0)
    model = DeepClusterer(4, pretrain_epochs=3, cluster_epochs=3, batch_size=64, seed=0, use_cache=False,
                          autoencoder={"hidden": (32, 32), "embedding_dim": 3}, record=False)
    assert model.fit(data.X) is model
    assert model.labels_.shape == (200,) and model.cluster_centers_.shape == (4, 3) and model.n_features_in_ == 2
    assert model.transform(data.X).shape == (200, 3)
    assert np.array_equal(model.predict(data.X), model.labels_)
    assert model.config_.autoencoder.kind == "mlp" and model.config_.batch_size == 64 and model.run_id_ is None
    with pytest.raises(DataError, match="X has 3 features, but DeepClusterer is expecting 2 features as input"):
        model.predict(np.zeros((4, 3)))
    again = pickle.loads(pickle.dumps(model))
    assert np.array_equal(again.predict(data.X), model.labels_)
    assert again.history_[-1].metrics == model.history_[-1].metrics
    assert np.array_equal(clone(model).fit_predict(data.X), model.labels_)  # the same seed, the same labels
