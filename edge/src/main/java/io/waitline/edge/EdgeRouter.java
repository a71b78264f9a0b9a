package io.waitline.edge;

import io.waitline.edge.pipeline.AccessChanges;
import io.waitline.edge.pipeline.AccessServices;
import io.waitline.edge.pipeline.CredentialCache;
import io.waitline.edge.pipeline.EventLoopRequestValidator;
import io.waitline.edge.pipeline.ReusedValidators;
import io.waitline.edge.pipeline.Caller;
import io.waitline.edge.pipeline.InputLimits;
import io.waitline.edge.pipeline.Problems;
import io.waitline.edge.pipeline.WellFormedRequest;
import io.waitline.edge.pipeline.SecurityHeaders;
import io.waitline.edge.pages.WebPages;
import io.waitline.edge.pipeline.AccessGuard;
import io.waitline.edge.rest.AuditApi;
import io.waitline.edge.pipeline.AuditTrail;
import io.waitline.edge.pipeline.ClientAddress;
import io.waitline.edge.fhir.FhirApi;
import io.waitline.edge.fhir.FhirSearch;
import io.waitline.edge.rest.DeviceApi;
import io.waitline.edge.rest.InsightsApi;
import io.waitline.edge.rest.KioskApi;
import io.waitline.edge.feed.LiveFeeds;
import io.waitline.edge.rest.NotificationApi;
import io.waitline.edge.rest.PaymentApi;
import io.waitline.edge.oidc.OidcSettings;
import io.waitline.edge.oidc.OidcSignIn;
import io.waitline.edge.rest.QueueApi;
import io.waitline.edge.pipeline.OperationPolicy;
import io.waitline.edge.pipeline.RateLimitStore;
import io.waitline.edge.pipeline.RateLimits;
import io.waitline.edge.rest.SessionApi;
import io.waitline.edge.rest.StaffAccountsApi;
import io.waitline.edge.rest.SyncApi;
import io.waitline.edge.rest.VisitApi;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.ThreadingModel;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.ext.web.openapi.router.OpenAPIRoute;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.validation.RequestValidator;
import io.vertx.sqlclient.Pool;
import io.waitline.insights.Insights;
import io.waitline.insights.InsightsRollup;
import io.waitline.notify.Notifications;
import io.waitline.pay.Payments;
import io.waitline.queue.command.QueueCommands;
import io.waitline.queue.retention.Retention;
import java.nio.file.Path;
import java.util.Collection;
import io.waitline.sync.SyncService;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds the HTTP edge: the REST API generated from {@code openapi.yaml} (requests validated against it), the
 * WebSocket feeds, health, metrics and the static web UIs.
 */
public final class EdgeRouter {
  private static final String CONTRACT = "openapi.yaml";
  /** FHIR's media type, which the router (like problem+json) does not take as a response type. */
  private static final String FHIR_JSON = "application/fhir+json";
  /** What a form adds around a CSV file it carries (boundaries, part headers). */
  private static final int FORM_OVERHEAD_BYTES = 64 * 1024;

  private EdgeRouter() {}

  /**
   * Settings the edge needs from the launcher.
   *
   * @param publicUrl where people reach the server (links, WebSocket Origin checks)
   * @param secure the server is reached over HTTPS (its own TLS or an https public URL): Secure cookies and HSTS
   * @param access the access module's services (accounts, sessions, devices, setup, audit log)
   * @param oidc the identity provider for staff sign-in, or null for built-in accounts only
   * @param onSetupComplete runs once the first admin account exists
   * @param clientAddress how a request's client address is found: the TCP peer, or behind trusted proxies
   *     X-Forwarded-For (rate limits, the audit log, sessions)
   * @param retention how long patient details are kept (an insights rebuild starts within it)
   */
  public record Settings(String publicUrl, boolean secure, AccessServices access, OidcSettings oidc,
      Runnable onSetupComplete, ClientAddress clientAddress, Retention retention) {
    /** Built-in accounts only, secure when the public URL is https, no trusted proxies. */
    public Settings(String publicUrl, AccessServices access) {
      this(publicUrl, publicUrl.startsWith("https:"), access, null, () -> { });
    }

    /** No trusted proxies: the client address is the TCP peer. */
    public Settings(String publicUrl, boolean secure, AccessServices access, OidcSettings oidc,
        Runnable onSetupComplete) {
      this(publicUrl, secure, access, oidc, onSetupComplete, ClientAddress.TCP_PEER, Retention.DEFAULT);
    }
  }

  /**
   * The edge of one instance (the node deploys one per core, see {@link EdgeVerticle}), with the notifications
   * module's endpoints ({@code notifications} null answers them with 404s) and, when an identity provider is
   * configured, its sign-in ({@code oidc}, discovered once per node; null for built-in accounts only).
   */
  public static Future<Router> router(Vertx vertx, Pool pool, QueueCommands commands, Settings settings,
      Notifications notifications, OidcSignIn oidc) {
    return router(vertx, pool, commands, settings, notifications, null, null, oidc);
  }

  /**
   * As above, with the payment-gateway module's and the appointment sources' (pms-sync) endpoints ({@code payments}
   * or {@code sync} null answers theirs with 404s).
   */
  public static Future<Router> router(Vertx vertx, Pool pool, QueueCommands commands, Settings settings,
      Notifications notifications, Payments payments, SyncService sync, OidcSignIn oidc) {
    return contract(vertx).map(contract -> router(contract, vertx, pool, commands, settings, notifications, payments,
        sync, oidc));
  }

  /**
   * The contract as the routers validate against it, read once per node: the instances share it (it is read-only
   * once built), so a node with one instance per core parses {@code openapi.yaml} once. Reading the YAML and
   * resolving the contract cost a few hundred milliseconds of CPU (seconds on a loaded machine), so they run on a
   * worker context of their own, never on an event loop that already serves the node's pool and listeners.
   */
  public static Future<OpenAPIContract> contract(Vertx vertx) {
    ContractReader reader = new ContractReader();
    return vertx.deployVerticle(reader, new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER))
        .compose(id -> vertx.undeploy(id).map(v -> reader.contract));
  }

  /** Builds the contract in its start, on the worker context it is deployed on (the futures' callbacks too). */
  private static final class ContractReader extends VerticleBase {
    private volatile OpenAPIContract contract;

    @Override
    public Future<?> start() {
      return vertx.fileSystem().readFile(CONTRACT).map(EdgeRouter::contractForRouter)
          .compose(json -> OpenAPIContract.from(vertx, json)).onSuccess(read -> contract = read);
    }
  }

  /**
   * Reads request bodies up to {@link Problems#BODY_LIMIT_BYTES}; a CSV file for a source may be larger (up to
   * {@link SyncApi#FILE_LIMIT_BYTES}, only on that path).
   */
  private static Handler<RoutingContext> bodies() {
    BodyHandler small = BodyHandler.create(false).setBodyLimit(Problems.BODY_LIMIT_BYTES);
    BodyHandler file = BodyHandler.create(false).setBodyLimit(SyncApi.FILE_LIMIT_BYTES);
    // a file sent as a form: its part goes to a temporary file (deleted when the answer ends), read back below
    BodyHandler form = BodyHandler.create(true).setBodyLimit(SyncApi.FILE_LIMIT_BYTES + FORM_OVERHEAD_BYTES)
        .setUploadsDirectory(Path.of(System.getProperty("java.io.tmpdir"), "waitline-uploads").toString())
        .setDeleteUploadedFilesOnEnd(true);
    return rc -> {
      if (!SyncApi.isFileUpload(rc)) {
        small.handle(rc);
        return;
      }
      rc.put(Problems.FILE_UPLOAD, true); // a refusal of the body speaks of the file's limit and types
      (SyncApi.isForm(rc) ? form : file).handle(rc);
    };
  }

  /**
   * Cached credentials are forgotten as the answer goes out, once the change is committed (or has failed); a change
   * that succeeded is announced to every node ({@link AccessChanges}), whose feeds then check their credentials.
   */
  private static Handler<RoutingContext> forgetCredentialsBeforeAnswering(String op, CredentialCache credentials,
      Pool pool) {
    return rc -> {
      rc.addHeadersEndHandler(v -> {
        credentials.forgetAll();
        if (rc.response().getStatusCode() < 300) AccessChanges.announce(pool, op);
      });
      rc.next();
    };
  }

  /** The edge of one instance over an already read {@code contract} (see {@link #contract}). */
  public static Router router(OpenAPIContract contract, Vertx vertx, Pool pool, QueueCommands commands,
      Settings settings, Notifications notifications, Payments payments, SyncService sync, OidcSignIn oidc) {
    AccessServices access = settings.access();
    AccessGuard.BearerValidator identityProvider = oidc == null ? null : oidc::validate;
    AccessGuard guard = new AccessGuard(commands, notifications, payments, access.sessions(), access.devices(),
        access.credentials(), identityProvider);
    AuditTrail auditTrail = new AuditTrail(access.audit(), settings.clientAddress());
    RateLimits rateLimits = new RateLimits(new RateLimitStore(pool), access.clock(), settings.clientAddress());
    QueueApi api = new QueueApi(commands, settings.publicUrl());
    VisitApi visits = new VisitApi(commands);
    LiveFeeds feeds = new LiveFeeds(vertx, commands, guard, auditTrail, settings.publicUrl());
    SessionApi sessions = new SessionApi(access, settings.secure(), oidc != null,
        settings.onSetupComplete(), settings.clientAddress());

    Map<String, Handler<RoutingContext>> ops = new HashMap<>();
    ops.put("listSites", api::listSites);
    ops.put("createSite", api::createSite);
    ops.put("getSite", api::getSite);
    ops.put("listQueues", api::listQueues);
    ops.put("createQueue", api::createQueue);
    ops.put("listTodaysEntries", api::today);
    ops.put("getQueue", api::getQueue);
    ops.put("getQueueSnapshot", api::snapshot);
    ops.put("getQueueBoard", api::board);
    ops.put("listQueueEvents", api::events);
    ops.put("checkIn", api::checkIn);
    ops.put("addAppointment", api::addAppointment);
    ops.put("callNext", api::callNext);
    ops.put("pauseQueue", api::pause);
    ops.put("resumeQueue", api::resume);
    ops.put("setStaffOnDuty", api::setStaff);
    ops.put("getQueueRota", api::getRota);
    ops.put("putQueueRota", api::putRota);
    ops.put("getEntry", api::getEntry);
    ops.put("transfer", api::transfer);
    Map<String, QueueApi.EntryCommand> entryOps = Map.of(
        "arrive", (c, id, actor) -> c.arrive(id, actor).map(io.waitline.queue.LinkedEntry::entry),
        "recall", QueueCommands::recall,
        "startService", QueueCommands::startService,
        "complete", QueueCommands::complete,
        "noShow", QueueCommands::noShow,
        "requeue", QueueCommands::requeue,
        "markLeft", QueueCommands::leave,
        "cancel", QueueCommands::cancel,
        "undo", QueueCommands::undo);
    entryOps.forEach((op, cmd) -> ops.put(op, rc -> api.onEntry(rc, cmd)));
    ops.put("getVisit", visits::get);
    ops.put("visitRunningLate", visits::runningLate);
    ops.put("visitLeave", visits::leave);
    ops.put("kioskCheckIn", new KioskApi(commands, settings.publicUrl())::checkIn);
    NotificationApi notify = new NotificationApi(notifications, commands, settings.publicUrl());
    notify.register(ops);
    PaymentApi pay = new PaymentApi(payments, commands);
    pay.register(ops);
    sessions.register(ops);
    new StaffAccountsApi(access.accounts(), commands).register(ops);
    new DeviceApi(access.devices(), commands).register(ops);
    new AuditApi(access.audit()).register(ops);
    SyncApi sources = new SyncApi(sync);
    sources.register(ops);
    guard.siteFrom("sourceId", sources::siteOfSource).siteFrom("deadLetterId", sources::siteOfDeadLetter)
        .siteFromQuery("location", location -> guard.siteOfQueue(FhirSearch.queueId(location)));
    new FhirApi(commands, pool, settings.publicUrl()).register(ops);
    new InsightsApi(new Insights(pool, commands.clock()), new InsightsRollup(pool, commands.clock()), commands,
        settings.retention()).register(ops);

    RequestExtractor extractor = RequestExtractor.withBodyHandler();
    RequestValidator validator = new EventLoopRequestValidator(vertx, new ReusedValidators(contract));
    RouterBuilder builder = RouterBuilder.create(vertx, contract, extractor);
    builder.rootHandler(bodies());
    checkHandlers(builder.getRoutes().stream().map(r -> r.getOperation().getOperationId()).toList(), ops.keySet());
    for (OpenAPIRoute route : builder.getRoutes()) {
      String op = route.getOperation().getOperationId();
      OperationPolicy policy = OperationPolicy.of(op, route.getOperation().getExtensions());
      route.setDoSecurity(false); // access is enforced below, from x-waitline-access
      route.setDoValidation(false); // validated below, once the caller has shown a credential the operation needs
      // the trail goes first so that refusals by the guard (401/403) are written down too
      route.addHandler(auditTrail.forOperation(op, policy.access()));
      route.addHandler(InputLimits.handler());
      route.addHandler(guard.signedIn(policy));
      if (op.equals(SyncApi.UPLOAD_FILE)) route.addHandler(SyncApi.fileFromForm(vertx)); // a form's file, as the body
      route.addHandler(validated(extractor, validator, route.getOperation()));
      route.addHandler(guard.forOperation(policy));
      route.addHandler(rateLimits.forOperation(policy));
      if (policy.endsCredentials()) route.addHandler(forgetCredentialsBeforeAnswering(op, access.credentials(), pool));
      route.addHandler(ops.get(op));
      route.addFailureHandler(Problems::handle);
    }
    Router root = builder.createRouter();
    // the contract's router knows no text/csv: a CSV upload is read as the plain text it is
    root.post(SyncApi.FILES).order(-2).handler(SyncApi::csvAsPlainText);
    FhirApi.mount(root); // first, so that even a malformed request to a FHIR path hears back in FHIR
    root.route().order(-2).handler(new SecurityHeaders(settings.secure())::handle);
    // after the headers, so its 400 carries them too
    root.route().order(-2).handler(WellFormedRequest.create(SyncApi::isFileUpload));
    root.get("/openapi.yaml").handler(rc -> rc.response().putHeader("Content-Type", "application/yaml")
        .sendFile(CONTRACT));
    root.get("/health/live").handler(rc -> rc.json(new JsonObject().put("status", "UP")));
    root.get("/health/ready").handler(rc -> pool.query("SELECT 1").execute()
        .onSuccess(r -> rc.json(new JsonObject().put("status", "UP").put("database", "UP")))
        .onFailure(err -> rc.response().setStatusCode(503).putHeader("Content-Type", "application/json")
            .end(new JsonObject().put("status", "DOWN").put("database", "DOWN").encode())));
    root.get("/metrics").handler(PrometheusScrapingHandler.create());
    // feeds upgrade after a database lookup: route them before the body handler reads (and so ends) the request,
    // and hold the request paused until the upgrade
    root.get("/ws/queues/:queueId").order(-1).handler(upgradeLater(feeds::queueFeed));
    root.get("/ws/sites/:siteId").order(-1).handler(upgradeLater(feeds::siteFeed));
    root.get("/ws/visits/:token").order(-1).handler(upgradeLater(feeds::visitFeed));
    notify.mountWebhooks(root); // Twilio's form-encoded, signed webhooks
    pay.mountWebhooks(root, auditTrail); // Stripe's signed webhook, audited
    sources.mountSourcePushes(root, auditTrail); // FHIR notifications and webhook events, checked with source secrets
    if (oidc != null) {
      // the provider's code flow ends in a browser session like a local sign-in (accounts live at the provider)
      oidc.mount(root, (rc, staff) -> sessions.openCookieSession(rc, staff, null).map(session -> {
        Caller.set(rc, staff);
        auditTrail.record(rc, "signInWithProvider", 200, new JsonObject().put("username", staff.username()));
        return session.token();
      }));
    }
    WebPages.mount(root); // the web faces and their Content-Security-Policy
    root.route("/*").method(io.vertx.core.http.HttpMethod.GET).method(io.vertx.core.http.HttpMethod.HEAD)
        .handler(StaticHandler.create("webroot").setCachingEnabled(false));
    root.route().failureHandler(Problems::handle);
    for (int status : new int[] {400, 404, 405, 413, 415}) {
      root.errorHandler(status, rc -> Problems.byStatus(rc, status));
    }
    return root;
  }

  /**
   * The contract's operations and the handlers must name the same operations: an operation without a handler, or a
   * handler for an operation the contract does not have (renamed or removed), stops the server from starting.
   */
  static void checkHandlers(Collection<String> operations, Set<String> handled) {
    List<String> unhandled = operations.stream().filter(op -> !handled.contains(op)).sorted().toList();
    if (!unhandled.isEmpty()) throw new IllegalStateException("no handler for operation " + unhandled);
    List<String> unknown = handled.stream().filter(op -> !operations.contains(op)).sorted().toList();
    if (!unknown.isEmpty()) {
      throw new IllegalStateException("handlers for operations the contract does not have: " + unknown);
    }
  }

  /**
   * The contract as the router reads it. vertx-openapi 5.0 refuses {@code application/problem+json} as a response
   * media type, so for the router (which only validates requests) error responses are declared as JSON; and the
   * router is given no {@code security} requirements, because access is enforced by {@link AccessGuard} (with
   * security switched off the router still builds an empty "any of" chain that fails every request). FHIR's
   * {@code application/fhir+json} likewise. The document served at /openapi.yaml keeps them as written.
   */
  static JsonObject contractForRouter(io.vertx.core.buffer.Buffer yaml) {
    Object tree = new org.yaml.snakeyaml.Yaml().load(yaml.toString());
    String json = new JsonObject(toJsonMap(tree)).encode();
    JsonObject contract = new JsonObject(json.replace("\"" + Problems.CONTENT_TYPE + "\"", "\"application/json\"")
        .replace("\"" + FHIR_JSON + "\"", "\"application/json\""));
    contract.remove("security");
    checkEmailsByPattern(contract);
    contract.getJsonObject("paths").forEach(path -> ((JsonObject) path.getValue()).forEach(op -> {
      if (op.getValue() instanceof JsonObject operation) operation.remove("security");
    }));
    return contract;
  }

  /**
   * vertx-json-schema 5.0's {@code format: email} check throws on an empty string (a 500 for a plain mistake), so
   * the router checks e-mail fields with {@link Problems#EMAIL_PATTERN} instead, which says the same for real
   * addresses and refuses an empty one cleanly.
   */
  private static void checkEmailsByPattern(Object node) {
    if (node instanceof JsonObject o) {
      if ("email".equals(o.getValue("format"))) {
        o.remove("format");
        o.put("pattern", Problems.EMAIL_PATTERN);
      }
      o.forEach(e -> checkEmailsByPattern(e.getValue()));
    } else if (node instanceof io.vertx.core.json.JsonArray a) {
      a.forEach(EdgeRouter::checkEmailsByPattern);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> toJsonMap(Object tree) {
    return (Map<String, Object>) normalize(tree);
  }

  /** YAML keys such as response codes may load as integers; JSON needs strings. */
  private static Object normalize(Object node) {
    if (node instanceof Map<?, ?> m) {
      Map<String, Object> out = new java.util.LinkedHashMap<>();
      m.forEach((k, v) -> out.put(String.valueOf(k), normalize(v)));
      return out;
    }
    if (node instanceof List<?> l) return l.stream().map(EdgeRouter::normalize).toList();
    if (node instanceof java.util.Date d) return d.toInstant().toString();
    return node;
  }

  /** Validates the request against the operation's parameters and body, as the router would have before access. */
  private static Handler<RoutingContext> validated(RequestExtractor extractor, RequestValidator validator,
      Operation operation) {
    return rc -> extractor.extractValidatableRequest(rc, operation)
        .compose(request -> validator.validate(request, operation.getOperationId()))
        .onSuccess(request -> {
          rc.put(RouterBuilder.KEY_META_DATA_VALIDATED_REQUEST, request);
          rc.next();
        })
        .onFailure(rc::fail);
  }

  private static Handler<RoutingContext> upgradeLater(Handler<RoutingContext> feed) {
    return rc -> {
      if (!rc.request().headers().contains("Upgrade", "websocket", true)) {
        Problems.send(rc, 400, "websocket-only", "WebSocket only",
            "This address is a live feed; open it with a WebSocket client.");
        return;
      }
      rc.request().pause();
      feed.handle(rc);
    };
  }
}
