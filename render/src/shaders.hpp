#pragma once
// GLSL 3.30 core sources of the renderer's programs (private to injmap_render).
namespace injmap::render::shaders {

// Skin and muscles share the vertex stage. Attributes: 0 position, 1 normal, 2 uv,
// 3 (muscle index, stripe count), 4 glow muscle indices, 5 glow weights.
extern const char* const kMeshVertex;
// The skin and muscle fragment bodies follow "#version 330 core" + kLighting.
extern const char* const kLighting;
extern const char* const kSkinFragment;
extern const char* const kMuscleFragment;
// Depth only (the skin depth texture for x-ray and muscle depth limits).
extern const char* const kDepthFragment;
// Full-screen background gradient (no vertex buffer: gl_VertexID).
extern const char* const kBackgroundVertex;
extern const char* const kBackgroundFragment;
// 2D overlay: solid, text (atlas alpha) and anti-aliased rounded boxes (discs, lines, label boxes).
extern const char* const kOverlayVertex;
extern const char* const kOverlayFragment;

} // namespace injmap::render::shaders
