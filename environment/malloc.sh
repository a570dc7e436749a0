# Sourced by ./scribe3d and the Jupyter kernel launcher: how glibc's malloc serves libtorch.
#
# By default glibc hands every large buffer back to the kernel on free (munmap) and maps fresh,
# zero-filled pages on the next allocation. libtorch allocates its convolution and matmul workspaces
# (tens of MB) anew in every forward and backward pass, so each training step paid page faults:
# a 3D conv stack spent more than half its time in the kernel (docs/benchmarks.md, "Memory allocator").
# These tunables keep freed memory in the process (one arena, no per-buffer mmap, no trimming); the
# resident size then stays at the run's peak instead of shrinking between steps.
# A GLIBC_TUNABLES already in the environment (even empty) is left as it is.
if [ -z "${GLIBC_TUNABLES+set}" ]; then
  export GLIBC_TUNABLES=glibc.malloc.arena_max=1:glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=68719476736
fi
