package dev.patroni4j.runbooks.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.patroni4j.client.PatroniException;
import dev.patroni4j.client.PatroniJson;
import dev.patroni4j.client.model.ClusterView;
import dev.patroni4j.client.model.DynamicConfig;
import dev.patroni4j.client.model.HistoryEntry;
import dev.patroni4j.client.model.Member;
import dev.patroni4j.client.model.MemberStatus;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import okhttp3.Call;
import okhttp3.Credentials;
import okhttp3.EventListener;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.jspecify.annotations.Nullable;

/**
 * The minimal REST transport the catalogue needs, over OkHttp, with documents parsed by {@link PatroniJson}. Reads try
 * every known member; writes go to one member and are never retried.
 */
public final class RestClusterOps implements ClusterOps {
  private static final MediaType JSON = MediaType.get("application/json");
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final int MAX_BODY = 1 << 20;

  private final OkHttpClient reads;
  private final OkHttpClient writes;
  private final List<URI> seeds;
  private final @Nullable String authorization;
  private final Map<String, URI> memberUrls = new ConcurrentHashMap<>();

  public RestClusterOps(OkHttpClient base, List<URI> seeds, @Nullable String username, @Nullable String password) {
    if (seeds.isEmpty()) {
      throw new IllegalArgumentException("at least one REST endpoint is required");
    }
    this.reads = base.newBuilder().callTimeout(Duration.ofSeconds(5)).build();
    // Patroni answers POST /switchover after polling up to 2*max(10, loop_wait) s; leave room for that.
    this.writes = base.newBuilder().callTimeout(Duration.ofSeconds(90)).readTimeout(Duration.ofSeconds(90)).build();
    this.seeds = List.copyOf(seeds);
    this.authorization = username == null ? null : Credentials.basic(username, password == null ? "" : password);
  }

  @Override
  public ClusterView cluster() {
    PatroniException last = null;
    for (URI base : candidates()) {
      try {
        ClusterView view = PatroniJson.clusterView(get(base, "/cluster"));
        for (Member m : view.members()) {
          if (m.apiUrl() != null) {
            memberUrls.put(m.name(), baseOf(URI.create(m.apiUrl())));
          }
        }
        return view;
      } catch (PatroniException e) {
        last = e;
      }
    }
    throw last != null ? last : new PatroniException("no REST endpoint answered GET /cluster");
  }

  @Override
  public MemberStatus status(String member) {
    return PatroniJson.memberStatus(get(urlOf(member), "/patroni"));
  }

  @Override
  public DynamicConfig config() {
    return firstAnswer("/config", PatroniJson::dynamicConfig);
  }

  @Override
  public List<HistoryEntry> history() {
    return firstAnswer("/history", PatroniJson::history);
  }

  @Override
  public ActionReply switchover(String leader, @Nullable String candidate, @Nullable OffsetDateTime scheduledAt,
      Runnable onSent) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("leader", leader);
    if (candidate != null) {
      body.put("candidate", candidate);
    }
    if (scheduledAt != null) {
      body.put("scheduled_at", scheduledAt.toString());
    }
    return send("POST", urlOf(leader), "/switchover", body, onSent);
  }

  @Override
  public ActionReply cancelScheduledSwitchover() {
    ClusterView view = cluster();
    String target = view.findLeader().map(Member::name).orElse(view.members().get(0).name());
    return send("DELETE", urlOf(target), "/switchover", null, () -> { });
  }

  @Override
  public ActionReply failover(String candidate, Runnable onSent) {
    return send("POST", urlOf(candidate), "/failover", Map.of("candidate", candidate), onSent);
  }

  @Override
  public ActionReply restart(String member, Map<String, Object> body) {
    return send("POST", urlOf(member), "/restart", body, () -> { });
  }

  @Override
  public ActionReply cancelScheduledRestart(String member) {
    return send("DELETE", urlOf(member), "/restart", null, () -> { });
  }

  @Override
  public ActionReply patchConfig(Map<String, Object> patch) {
    ClusterView view = cluster();
    String target = view.findLeader().map(Member::name).orElse(view.members().get(0).name());
    return send("PATCH", urlOf(target), "/config", patch, () -> { });
  }

  @Override
  public ActionReply reload(String member) {
    return send("POST", urlOf(member), "/reload", Map.of(), () -> { });
  }

  @Override
  public ActionReply reinitialize(String member, boolean force) {
    return send("POST", urlOf(member), "/reinitialize", force ? Map.of("force", true) : Map.of(), () -> { });
  }

  private interface Parser<T> {
    T parse(String json);
  }

  private <T> T firstAnswer(String path, Parser<T> parser) {
    PatroniException last = null;
    for (URI base : candidates()) {
      try {
        return parser.parse(get(base, path));
      } catch (PatroniException e) {
        last = e;
      }
    }
    throw last != null ? last : new PatroniException("no REST endpoint answered GET " + path);
  }

  private List<URI> candidates() {
    List<URI> out = new ArrayList<>(memberUrls.values());
    for (URI s : seeds) {
      if (!out.contains(s)) {
        out.add(s);
      }
    }
    return out;
  }

  private URI urlOf(String member) {
    URI u = memberUrls.get(member);
    if (u == null) {
      cluster();
      u = memberUrls.get(member);
    }
    if (u == null) {
      throw new PatroniException("member '" + member + "' is not in the cluster (no api_url known)");
    }
    return u;
  }

  private static URI baseOf(URI apiUrl) {
    return URI.create(apiUrl.getScheme() + "://" + apiUrl.getRawAuthority());
  }

  private String get(URI base, String path) {
    String target = "GET " + base + path;
    Request.Builder rb = new Request.Builder().url(url(base, path)).get();
    if (authorization != null) {
      rb.header("Authorization", authorization);
    }
    try (Response r = reads.newCall(rb.build()).execute()) {
      String body = read(r.body());
      if (r.code() != 200 && !(path.equals("/patroni") && r.code() == 503)) {
        throw new PatroniException(target + " answered " + r.code(), null, PatroniException.Delivery.ANSWERED,
            target, r.code(), body);
      }
      return body;
    } catch (IOException e) {
      throw new PatroniException(target + " failed: " + e.getMessage(), e, PatroniException.Delivery.POSSIBLY_SENT,
          target, -1, null);
    }
  }

  private ActionReply send(String method, URI base, String path, @Nullable Map<String, Object> body,
      Runnable onSent) {
    RequestBody rb = null;
    if (body != null) {
      try {
        rb = RequestBody.create(MAPPER.writeValueAsBytes(body), JSON);
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException("cannot encode request body", e);
      }
    }
    Request.Builder req = new Request.Builder().url(url(base, path)).method(method, rb);
    if (authorization != null) {
      req.header("Authorization", authorization);
    }
    boolean[] sent = {false};
    OkHttpClient client = writes.newBuilder().eventListener(new EventListener() {
      @Override
      public void requestHeadersEnd(Call call, Request request) {
        if (request.body() == null) {
          markSent();
        }
      }

      @Override
      public void requestBodyEnd(Call call, long byteCount) {
        markSent();
      }

      private void markSent() {
        if (!sent[0]) {
          sent[0] = true;
          onSent.run();
        }
      }
    }).build();
    try (Response r = client.newCall(req.build()).execute()) {
      return ActionReply.of(r.code(), read(r.body()));
    } catch (IOException e) {
      if (!sent[0]) {
        throw new PatroniException(method + " " + base + path + " was not sent: " + e.getMessage(), e,
            PatroniException.Delivery.NOT_SENT, method + " " + base + path, -1, null);
      }
      return ActionReply.unknown(method + " " + path + " sent, then " + e.getClass().getSimpleName() + ": "
          + e.getMessage());
    }
  }

  private static HttpUrl url(URI base, String path) {
    return Optional.ofNullable(HttpUrl.parse(base + path))
        .orElseThrow(() -> new IllegalArgumentException("bad REST URL " + base + path));
  }

  private static String read(@Nullable ResponseBody body) throws IOException {
    if (body == null) {
      return "";
    }
    okio.BufferedSource source = body.source();
    source.request(MAX_BODY); // false when the body is shorter: fine, the buffer holds all of it
    long n = Math.min(source.getBuffer().size(), MAX_BODY);
    return source.getBuffer().readString(n, java.nio.charset.StandardCharsets.UTF_8);
  }
}
