//! Sizing (placeholder).
