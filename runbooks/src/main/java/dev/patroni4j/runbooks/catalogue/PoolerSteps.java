package dev.patroni4j.runbooks.catalogue;

import dev.patroni4j.client.model.ClusterView;
import dev.patroni4j.client.model.Member;
import dev.patroni4j.runbooks.Decision;
import dev.patroni4j.runbooks.Fact;
import dev.patroni4j.runbooks.Facts;
import dev.patroni4j.runbooks.Impact;
import dev.patroni4j.runbooks.Step;
import dev.patroni4j.runbooks.StepContext;
import dev.patroni4j.runbooks.StepRefusedException;
import dev.patroni4j.runbooks.Verification;
import dev.patroni4j.runbooks.internal.PgBouncerConsole;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The pooler side of a planned switchover: {@code pooler-pause[name]} before the switchover request, {@code
 * pooler-repoint[name]} and {@code pooler-resume[name]} after it (cleanup steps armed by the pause, so they also run
 * when the run stops in between). Every step opens its own short admin console connection: a step keeps no state.
 */
final class PoolerSteps {
  private static final Duration CONSOLE_TIMEOUT = Duration.ofSeconds(5);
  static final Fact<List<String>> PAUSED = Fact.texts("pooler-paused");
  static final Fact<Boolean> DRAIN_TIMED_OUT = Fact.flag("pooler-drain-timed-out");
  static final Fact<String> TARGET = Fact.text("pooler-target");

  private PoolerSteps() {}

  static String pauseName(Pooler p) {
    return "pooler-pause[" + p.name() + "]";
  }

  /** {@code PAUSE} of the pooler's databases, waiting at most the drain timeout for running transactions. */
  static Step pause(Env env, Pooler p, PoolerCutover cutover) {
    return new Step() {
      @Override
      public String name() {
        return pauseName(p);
      }

      @Override
      public Impact impact() {
        return Impact.DISRUPTIVE;
      }

      @Override
      public Decision decide(StepContext ctx) {
        Optional<String> leader = Views.leaderName(env.client.cluster());
        String from = ctx.binding(Keys.FROM);
        if (leader.isPresent() && !leader.get().equals(from)) {
          return Decision.satisfied("no switchover needed (leader is " + leader.get() + "): pooler " + p.name()
              + " left alone");
        }
        Map<String, Map<String, String>> dbs;
        try {
          dbs = databases(p);
        } catch (StepRefusedException e) {
          return Decision.blocked(String.valueOf(e.getMessage())); // a database the pooler does not have
        }
        List<String> paused = paused(p, dbs);
        if (!paused.isEmpty()) {
          return Decision.blocked("pooler " + p.name() + " has " + paused + " paused already (not by this run): "
              + "resume them or leave the pooler out", Facts.of(PAUSED, paused));
        }
        return Decision.needsAction("pause " + p.databases() + " on pooler " + p.name() + ", waiting at most "
            + cutover.drainTimeout() + " for running transactions"
            + (cutover.proceedOnTimeout() ? " (then switching over anyway)" : " (then refusing)"));
      }

      @Override
      public Decision decideAfterInterruption(StepContext ctx, Decision.NeedsAction intent) {
        // This run sent PAUSE before it was interrupted: a paused database is ours.
        List<String> paused = paused(p, databases(p));
        return paused.containsAll(p.databases())
            ? Decision.satisfied("pooler " + p.name() + " was paused before the interruption", Facts.of(PAUSED, paused))
            : Decision.needsAction("pause the rest of " + p.databases() + " on pooler " + p.name());
      }

      @Override
      public void act(StepContext ctx, Decision.NeedsAction intent) {
        List<String> sent = new ArrayList<>();
        boolean timedOut = false;
        List<String> already = paused(p, databases(p));
        for (String db : p.databases()) {
          if (already.contains(db)) {
            continue;
          }
          sent.add(db);
          try (PgBouncerConsole c = console(p)) {
            c.readTimeout(cutover.drainTimeout());
            c.command("PAUSE " + db);
          } catch (PgBouncerConsole.ConsoleException e) {
            if (!e.timedOut()) {
              resume(p, sent);
              throw e;
            }
            if (!cutover.proceedOnTimeout()) {
              resume(p, sent);
              throw new StepRefusedException("transactions through pooler " + p.name() + " (database " + db
                  + ") still ran after " + cutover.drainTimeout() + ": resumed " + sent + ", nothing changed",
                  Facts.of(PAUSED, List.of()));
            }
            timedOut = true; // PgBouncer keeps the database pausing: new transactions wait, running ones end
          }
        }
        ctx.note(PAUSED, sent);
        ctx.note(DRAIN_TIMED_OUT, timedOut);
      }

      @Override
      public Verification verify(StepContext ctx, Decision.NeedsAction intent) {
        List<String> paused = paused(p, databases(p));
        return paused.containsAll(p.databases())
            ? Verification.done("pooler " + p.name() + " paused " + p.databases())
            : Verification.pending("pooler " + p.name() + " reports paused " + paused + " of " + p.databases());
      }
    };
  }

  /** Points the pooler's databases at the leader observed now, then {@code RELOAD} (or {@code RECONNECT}). */
  static Step repoint(Env env, Pooler p) {
    boolean byName = p.repoint() == Pooler.Repoint.followsLeader();
    return new Step() {
      @Override
      public String name() {
        return "pooler-repoint[" + p.name() + "]";
      }

      @Override
      public Impact impact() {
        return Impact.CHANGE;
      }

      @Override
      public Decision decide(StepContext ctx) {
        Optional<Member> leader = leader(env);
        if (leader.isEmpty()) {
          return Decision.blocked("no running leader with a PostgreSQL address to point pooler " + p.name() + " at");
        }
        String target = leader.get().host() + ":" + leader.get().port();
        Facts facts = Facts.of(TARGET, target).with(Keys.LEADER, leader.get().name());
        if (byName) {
          return Decision.needsAction("RECONNECT " + p.databases() + " on pooler " + p.name()
              + " (its entries follow the leader " + leader.get().name() + " by name)", facts);
        }
        List<String> elsewhere = notPointingAt(p, databases(p), target);
        return elsewhere.isEmpty()
            ? Decision.satisfied("pooler " + p.name() + " points at the leader " + leader.get().name() + " (" + target
                + ")", facts)
            : Decision.needsAction("point " + elsewhere + " on pooler " + p.name() + " at the leader "
                + leader.get().name() + " (" + target + ") and RELOAD", facts);
      }

      @Override
      public void act(StepContext ctx, Decision.NeedsAction intent) throws Exception {
        String target = intent.facts().find(TARGET).orElseThrow();
        int colon = target.lastIndexOf(':');
        String host = target.substring(0, colon);
        int port = Integer.parseInt(target.substring(colon + 1));
        try (PgBouncerConsole c = console(p)) {
          if (byName) {
            for (String db : p.databases()) {
              c.command("RECONNECT " + db);
            }
            return;
          }
          for (String db : p.databases()) {
            p.repoint().pointAt(db, host, port);
          }
          c.command("RELOAD");
        }
      }

      @Override
      public Verification verify(StepContext ctx, Decision.NeedsAction intent) {
        if (byName) {
          return Verification.done("pooler " + p.name() + " reconnects " + p.databases());
        }
        String target = intent.facts().find(TARGET).orElseThrow();
        List<String> elsewhere = notPointingAt(p, databases(p), target);
        return elsewhere.isEmpty()
            ? Verification.done("pooler " + p.name() + " points " + p.databases() + " at " + target)
            : Verification.pending("pooler " + p.name() + " still points " + elsewhere + " elsewhere than " + target);
      }
    };
  }

  /** {@code RESUME} of the pooler's paused databases. */
  static Step resume(Pooler p) {
    return new Step() {
      @Override
      public String name() {
        return "pooler-resume[" + p.name() + "]";
      }

      @Override
      public Impact impact() {
        return Impact.CHANGE;
      }

      @Override
      public Decision decide(StepContext ctx) {
        List<String> paused = paused(p, databases(p));
        return paused.isEmpty()
            ? Decision.satisfied("pooler " + p.name() + " has none of " + p.databases() + " paused")
            : Decision.needsAction("resume " + paused + " on pooler " + p.name(), Facts.of(PAUSED, paused));
      }

      @Override
      public void act(StepContext ctx, Decision.NeedsAction intent) {
        PoolerSteps.resume(p, intent.facts().find(PAUSED).orElse(p.databases()));
      }

      @Override
      public Verification verify(StepContext ctx, Decision.NeedsAction intent) {
        List<String> paused = paused(p, databases(p));
        return paused.isEmpty()
            ? Verification.done("pooler " + p.name() + " resumed " + p.databases())
            : Verification.pending("pooler " + p.name() + " still has " + paused + " paused");
      }
    };
  }

  /** Resumes {@code dbs}; a database that is not paused (any more) is fine. */
  private static void resume(Pooler p, List<String> dbs) {
    try (PgBouncerConsole c = console(p)) {
      for (String db : dbs) {
        try {
          c.command("RESUME " + db);
        } catch (PgBouncerConsole.ConsoleException e) {
          if (e.timedOut() || !String.valueOf(e.getMessage()).contains("is not paused")) {
            throw e;
          }
        }
      }
    }
  }

  private static Optional<Member> leader(Env env) {
    ClusterView view = env.client.cluster();
    return view.findLeader().filter(m -> m.state().isRunning() && m.host() != null && m.port() != null);
  }

  private static PgBouncerConsole console(Pooler p) {
    return PgBouncerConsole.connect(p.host(), p.port(), p.adminUser(), p.adminPassword(), CONSOLE_TIMEOUT);
  }

  /** {@code SHOW DATABASES} by name. */
  private static Map<String, Map<String, String>> databases(Pooler p) {
    try (PgBouncerConsole c = console(p)) {
      Map<String, Map<String, String>> byName = new java.util.LinkedHashMap<>();
      for (Map<String, String> row : c.show("SHOW DATABASES")) {
        byName.put(row.getOrDefault("name", ""), row);
      }
      List<String> missing = p.databases().stream().filter(d -> !byName.containsKey(d)).toList();
      if (!missing.isEmpty()) {
        throw new StepRefusedException("pooler " + p.name() + " has no [databases] entry " + missing);
      }
      return byName;
    }
  }

  private static List<String> paused(Pooler p, Map<String, Map<String, String>> dbs) {
    return p.databases().stream().filter(d -> "1".equals(dbs.getOrDefault(d, Map.of()).get("paused"))).toList();
  }

  private static List<String> notPointingAt(Pooler p, Map<String, Map<String, String>> dbs, String target) {
    return p.databases().stream()
        .filter(d -> {
          Map<String, String> row = dbs.getOrDefault(d, Map.of());
          return !target.equals(row.get("host") + ":" + row.get("port"));
        }).toList();
  }
}
