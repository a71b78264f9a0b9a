package io.waitline.notify.support;

import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A pool that records the SQL of every statement run through it, including on the connections of
 * {@code withTransaction} and {@code withConnection}: round trips counted at the client, whatever the server does.
 */
public final class CountingPool {
  public final List<String> statements = new CopyOnWriteArrayList<>();
  public final Pool pool;

  public CountingPool(Pool delegate) {
    this.pool = counting(Pool.class, delegate);
  }

  /** The statements recorded so far whose SQL starts with {@code verb} (e.g. SELECT). */
  public List<String> starting(String verb) {
    return statements.stream().filter(s -> s.stripLeading().toUpperCase().startsWith(verb)).toList();
  }

  @SuppressWarnings("unchecked")
  private <T> T counting(Class<T> type, T delegate) {
    InvocationHandler handler = (proxy, method, args) -> {
      String name = method.getName();
      if ((name.equals("query") || name.equals("preparedQuery")) && args != null && args[0] instanceof String sql) {
        statements.add(sql);
      }
      if ((name.equals("withTransaction") || name.equals("withConnection")) && args != null) {
        for (int i = 0; i < args.length; i++) {
          if (args[i] instanceof Function<?, ?> work) {
            Function<SqlConnection, ?> f = (Function<SqlConnection, ?>) work;
            args[i] = (Function<SqlConnection, Object>) c -> f.apply(counting(SqlConnection.class, c));
          }
        }
      }
      try {
        return method.invoke(delegate, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    };
    return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler);
  }
}
