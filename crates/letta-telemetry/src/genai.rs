//! SKELETON: genai.
