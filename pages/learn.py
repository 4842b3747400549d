"""Learn: what each method optimises, the idea that sets it apart, and what to watch."""
import streamlit as st

from deepclust_core.catalog import CARDS
from ui.navigation import inside_app

inside_app()

st.title("Learn the methods")
st.write("Every method starts from an autoencoder f (encoder) and g (decoder) trained to reconstruct its input; "
         "h = f(x) is the embedding. What differs is how each one reshapes that space for clustering.")

for name, card in CARDS.items():
    lesson = card.lesson
    with st.expander(card.title, expanded=name == st.session_state.get("method", "dekm")):
        st.markdown(f"**What it optimises.** {lesson.optimises}")
        for equation in lesson.equations:
            st.latex(equation)
        st.markdown(f"**The idea.** {lesson.idea}")
        st.markdown(f"**What to watch in the live view.** {lesson.watch}")
        st.caption(f"Source: {lesson.source}")
