"""Learn: what each method optimises, the idea that sets it apart, what to watch, and a way to try it."""
import streamlit as st

from deepclust_core.catalog import CARDS
from ui.navigation import inside_app
from ui.try_it import open_train_when_asked, try_it_button, watch_picture

# The lecture layout: every text on the page at least 22 px, readable on a projector at the back of a room.
LECTURE_TEXT = ('<style>[data-testid="stMainBlockContainer"] :is(p, li, summary, span, label, button, '
                '[data-testid="stCaptionContainer"]):not(h1 *) {font-size: 22px !important; line-height: 1.4}</style>')

inside_app()
open_train_when_asked()

with st.sidebar:
    lecture = st.toggle("Lecture layout", key="lecture", persist_state="session",
                        help="For a projector: larger text here, and on the Train page panels, scoreboard and ACC "
                             "curve on one 1280 x 720 screen.")
if lecture:
    st.html(LECTURE_TEXT)

st.title("Learn the methods")
st.write("Every method starts from an autoencoder f (encoder) and g (decoder) trained to reconstruct its input; "
         "h = f(x) is the embedding. What differs is how each one reshapes that space for clustering.")

for name, card in CARDS.items():
    lesson = card.lesson
    with st.expander(card.title, expanded=name == st.session_state.get("method", "dekm")):
        try_it_button(card)
        st.markdown(f"**What it optimises.** {lesson.optimises}")
        for equation in lesson.equations:
            st.latex(equation)
        st.markdown(f"**The idea.** {lesson.idea}")
        st.markdown(f"**What to watch in the live view.** {lesson.watch}")
        st.markdown(f"**Try it on {card.try_it.data}.** {card.try_it.why}")
        watch_picture(card)
        st.caption(f"Source: {lesson.source}")
