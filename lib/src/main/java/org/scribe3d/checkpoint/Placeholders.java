package org.scribe3d.checkpoint;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Set;

/**
 * Building a module only to overwrite every parameter from a checkpoint should not pay for random
 * initialisation: on a multi-GB model that touches every page twice (like Hugging Face's
 * {@code init_empty_weights}). {@link #manager} returns a view of a manager whose initialising
 * factories (random, ones, zeros, full) return uninitialised arrays of the same shape and dtype;
 * everything else goes to the real manager, which owns all arrays.
 */
public final class Placeholders {
  private static final Set<String> INITIALISERS = Set.of("randomUniform", "randomNormal", "truncatedNormal",
      "ones", "zeros", "full");

  private Placeholders() {}

  /** A manager view for constructing modules whose parameters will all be loaded. */
  public static NDManager manager(NDManager real) {
    return (NDManager) Proxy.newProxyInstance(NDManager.class.getClassLoader(), new Class<?>[] {NDManager.class},
        (proxy, method, args) -> {
          if (INITIALISERS.contains(method.getName()) && args != null) {
            Shape shape = null;
            DataType type = DataType.FLOAT32;
            for (Object a : args) {
              if (a instanceof Shape s && shape == null) {
                shape = s;
              } else if (a instanceof DataType d) {
                type = d;
              }
            }
            if (shape != null) {
              return real.create(shape, type); // torch.empty: no page is touched
            }
          }
          return invoke(real, method, args);
        });
  }

  private static Object invoke(NDManager real, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(real, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
