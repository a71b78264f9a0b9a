package io.waitline.notify.support;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PreparedQuery;
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
 * It can also {@link #hold} statements, as a worker that stalls at that point.
 */
public final class CountingPool {
  public final List<String> statements = new CopyOnWriteArrayList<>();
  public final Pool pool;
  private volatile String heldPrefix;
  private volatile Promise<Void> held;
  private volatile Promise<Void> reached;

  public CountingPool(Pool delegate) {
    this.pool = counting(Pool.class, delegate);
  }

  /** The statements recorded so far whose SQL starts with {@code verb} (e.g. SELECT). */
  public List<String> starting(String verb) {
    return statements.stream().filter(s -> s.stripLeading().toUpperCase().startsWith(verb)).toList();
  }

  /**
   * From now on, prepared statements whose SQL starts with {@code sqlPrefix} are not run until {@link #release}; the
   * returned future completes when the first of them is waiting.
   */
  public Future<Void> hold(String sqlPrefix) {
    Promise<Void> waiting = Promise.promise();
    held = Promise.promise();
    held.future().onComplete(ar -> heldPrefix = null);
    heldPrefix = sqlPrefix;
    reached = waiting;
    return waiting.future();
  }

  /** Runs the held statements. */
  public void release() {
    held.tryComplete();
  }

  /** A prepared query whose executions wait for {@link #release}. */
  @SuppressWarnings("unchecked")
  private PreparedQuery<?> holding(PreparedQuery<?> query, Future<Void> release) {
    InvocationHandler handler = (proxy, method, args) -> {
      if (!method.getName().equals("execute") && !method.getName().equals("executeBatch")) {
        return method.invoke(query, args);
      }
      reached.tryComplete();
      return release.compose(v -> {
        try {
          return (Future<Object>) method.invoke(query, args);
        } catch (ReflectiveOperationException e) {
          return Future.failedFuture(e.getCause() != null ? e.getCause() : e);
        }
      });
    };
    return (PreparedQuery<?>) Proxy.newProxyInstance(PreparedQuery.class.getClassLoader(),
        new Class<?>[] {PreparedQuery.class}, handler);
  }

  @SuppressWarnings("unchecked")
  private <T> T counting(Class<T> type, T delegate) {
    InvocationHandler handler = (proxy, method, args) -> {
      String name = method.getName();
      if ((name.equals("query") || name.equals("preparedQuery")) && args != null && args[0] instanceof String sql) {
        statements.add(sql);
        String prefix = heldPrefix;
        if (name.equals("preparedQuery") && prefix != null && sql.startsWith(prefix)) {
          return holding((PreparedQuery<?>) method.invoke(delegate, args), held.future());
        }
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
