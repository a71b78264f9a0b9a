package io.waitline.edge;

import io.waitline.edge.oidc.OidcSettings;
import io.waitline.edge.pipeline.Problems;
import io.waitline.pay.store.Settings;
import static io.waitline.edge.TestApp.GENERAL;
import static io.waitline.edge.TestApp.LAB;
import static io.waitline.edge.TestApp.SITE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.waitline.access.DeviceKind;
import io.waitline.access.IssuedSession;
import io.waitline.access.PairedDevice;
import io.waitline.access.Role;
import io.waitline.access.StaffAccount;
import io.waitline.queue.Entry;
import io.waitline.queue.Patient;
import io.waitline.queue.Priority;
import io.waitline.queue.command.CheckIn;
import java.io.InputStream;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.yaml.snakeyaml.Yaml;
import ca.uhn.fhir.context.FhirContext;
import org.hl7.fhir.r4.model.Bundle;

/**
 * The authorization matrix: every operation of openapi.yaml and every live feed, called with each kind of credential,
 * against a table written out here by hand. The table is the independent statement of who may do what; it is not
 * derived from {@code x-waitline-access}, so a change of the contract's access lists (or of the guard) that does not
 * also change this table fails. Allowed calls must succeed (2xx), and an allowed change must show in its table
 * ({@code EFFECTS}); refused calls answer exactly 401 (no valid credential) or 403 (a valid credential without the
 * right) as problem+json, or on the FHIR paths as an OperationOutcome, and change no table (their audit records are
 * AccessTest's and BadInputTest's). Every request is made about site
 * {@link TestApp#SITE}; each cell gets a fresh credential, so no call's effect (signing out, changing a password) leaks
 * into another cell; each kind calls from its own loopback address, so the per-address rate limits stay out of it.
 */
class AuthorizationMatrixTest {
  /** The kinds of caller, in the order of the table's columns. */
  enum Kind {
    ANONYMOUS, PATIENT, DISPLAY, DISPLAY_OTHER_SITE, KIOSK, FRONT_DESK, CLINICIAN, MANAGER, MANAGER_OTHER_SITE,
    ADMIN,
    /** An administrator of {@link TestApp#SITE} only ({@code admin@clinic}). */
    SITE_ADMIN,
    /** Front-desk at the site, signed in with a browser: the session cookie, and the CSRF header on every change. */
    DESK_COOKIE,
    /** Manager at the site by an access token of the identity provider ({@code manager@clinic}), not a Waitline one. */
    MANAGER_IDP,
    REVOKED_DEVICE, SIGNED_OUT
  }

  /** What a cell expects. */
  enum Outcome { ALLOWED, UNAUTHENTICATED, FORBIDDEN, CONFLICT }

  private static final Outcome OK = Outcome.ALLOWED;
  private static final Outcome U = Outcome.UNAUTHENTICATED; // 401
  private static final Outcome F = Outcome.FORBIDDEN; // 403
  /** The first-admin setup is public but works once; an admin exists here, so it answers 409 to everyone. */
  private static final Outcome ONE = Outcome.CONFLICT;
  /** A password kept by the identity provider is changed there: 409 to its tokens. */
  private static final Outcome IDP = Outcome.CONFLICT;

  private static final Map<String, Map<Kind, Outcome>> OPERATIONS = new LinkedHashMap<>();
  private static final Map<String, Map<Kind, Outcome>> FEEDS = new LinkedHashMap<>();

  // Columns, in the order of Kind: anonymous, patient link, display (tv) of the site and of another site (tv2), kiosk,
  // front-desk, clinician, manager of the site and of another site (mg2), admin at every site, site admin (admin of
  // this site only), front-desk with a browser's cookie (ck), manager by the identity provider's token (idp), revoked
  // device, signed-out staff (out).
  static {
    // columns:                                     ano pat tv  tv2 ksk dsk cln mgr mg2 adm sad ck  idp rev out
    // sites and queues
    op("listSites",                                 U,  U,  F,  F,  F,  OK, OK, OK, OK, OK, OK, OK, OK, U,  U);
    op("createSite",                                U,  U,  F,  F,  F,  F,  F,  F,  F,  OK, F,  F,  F,  U,  U);
    op("getSite",                                   OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK);
    op("listQueues",                                OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK);
    op("createQueue",                               U,  U,  F,  F,  F,  F,  F,  OK, F,  OK, OK, F,  OK, U,  U);
    op("listTodaysEntries",                         U,  U,  F,  F,  F,  OK, OK, OK, F,  OK, OK, OK, OK, U,  U);
    op("kioskCheckIn",                              U,  U,  F,  F,  OK, OK, F,  F,  F,  OK, OK, OK, F,  U,  U);
    op("getQueue",                                  OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK);
    op("getQueueSnapshot",                          U,  U,  F,  F,  F,  OK, OK, OK, F,  OK, OK, OK, OK, U,  U);
    op("getQueueBoard",                             U,  U,  OK, F,  OK, OK, OK, OK, F,  OK, OK, OK, OK, U,  U);
    op("listQueueEvents",                           U,  U,  F,  F,  F,  OK, OK, OK, F,  OK, OK, OK, OK, U,  U);
    // the desk
    op("checkIn",                                   U,  U,  F,  F,  F,  OK, F,  F,  F,  OK, OK, OK, F,  U,  U);
    op("addAppointment",                            U,  U,  F,  F,  F,  OK, F,  F,  F,  OK, OK, OK, F,  U,  U);
    op("callNext",                                  U,  U,  F,  F,  F,  OK, OK, F,  F,  OK, OK, OK, F,  U,  U);
    op("pauseQueue",                                U,  U,  F,  F,  F,  OK, F,  F,  F,  OK, OK, OK, F,  U,  U);
    op("resumeQueue",                               U,  U,  F,  F,  F,  OK, F,  F,  F,  OK, OK, OK, F,  U,  U);
    op("setStaffOnDuty",                            U,  U,  F,  F,  F,  OK, F,  F,  F,  OK, OK, OK, F,  U,  U);
    // the rota: everyone at the desk reads the plan, managers of the site plan it
    op("getQueueRota",                              U,  U,  F,  F,  F,  OK, OK, OK, F,  OK, OK, OK, OK, U,  U);
    op("putQueueRota",                              U,  U,  F,  F,  F,  F,  F,  OK, F,  OK, OK, F,  OK, U,  U);
    op("getEntry",                                  U,  U,  F,  F,  F,  OK, OK, OK, F,  OK, OK, OK, OK, U,  U);
    op("arrive",                                    U,  U,  F,  F,  F,  OK, F,  F,  F,  OK, OK, OK, F,  U,  U);
    op("recall",                                    U,  U,  F,  F,  F,  OK, OK, F,  F,  OK, OK, OK, F,  U,  U);
    op("startService",                              U,  U,  F,  F,  F,  OK, OK, F,  F,  OK, OK, OK, F,  U,  U);
    op("complete",                                  U,  U,  F,  F,  F,  OK, OK, F,  F,  OK, OK, OK, F,  U,  U);
    op("noShow",                                    U,  U,  F,  F,  F,  OK, OK, F,  F,  OK, OK, OK, F,  U,  U);
    op("requeue",                                   U,  U,  F,  F,  F,  OK, OK, F,  F,  OK, OK, OK, F,  U,  U);
    op("markLeft",                                  U,  U,  F,  F,  F,  OK, F,  F,  F,  OK, OK, OK, F,  U,  U);
    op("cancel",                                    U,  U,  F,  F,  F,  OK, F,  F,  F,  OK, OK, OK, F,  U,  U);
    op("undo",                                      U,  U,  F,  F,  F,  OK, OK, F,  F,  OK, OK, OK, F,  U,  U);
    op("transfer",                                  U,  U,  F,  F,  F,  OK, OK, F,  F,  OK, OK, OK, F,  U,  U);
    // the patient's link: the token in the path is the credential, whatever else is sent
    op("getVisit",                                  OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK);
    op("visitRunningLate",                          OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK);
    op("visitLeave",                                OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK);
    op("subscribeWebPush",                          OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK);
    op("registerPushToken",                         OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK);
    op("getNotificationPreferences",                OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK);
    op("putNotificationPreferences",                OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK);
    op("getWebPushPublicKey",                       OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK);
    // messages and their settings
    op("listSiteNotifications",                     U,  U,  F,  F,  F,  OK, F,  OK, F,  OK, OK, OK, OK, U,  U);
    op("getSiteNotificationSettings",               U,  U,  F,  F,  F,  OK, F,  OK, F,  OK, OK, OK, OK, U,  U);
    op("putSiteNotificationSettings",               U,  U,  F,  F,  F,  F,  F,  OK, F,  OK, OK, F,  OK, U,  U);
    op("getQueueNotificationSettings",              U,  U,  F,  F,  F,  OK, F,  OK, F,  OK, OK, OK, OK, U,  U);
    op("putQueueNotificationSettings",              U,  U,  F,  F,  F,  F,  F,  OK, F,  OK, OK, F,  OK, U,  U);
    op("getNotification",                           U,  U,  F,  F,  F,  OK, F,  OK, F,  OK, OK, OK, OK, U,  U);
    op("listEntryNotifications",                    U,  U,  F,  F,  F,  OK, OK, OK, F,  OK, OK, OK, OK, U,  U);
    op("retryNotification",                         U,  U,  F,  F,  F,  OK, F,  OK, F,  OK, OK, OK, OK, U,  U);
    // co-pays: the kiosk takes its own visit's card, the desk takes cards and cash, managers refund and reconcile
    op("getCopay",                                  U,  U,  F,  F,  OK, OK, F,  OK, F,  OK, OK, OK, OK, U,  U);
    op("putVisitCopay",                             U,  U,  F,  F,  F,  OK, F,  OK, F,  OK, OK, OK, OK, U,  U);
    op("payCopay",                                  U,  U,  F,  F,  OK, OK, F,  F,  F,  OK, OK, OK, F,  U,  U);
    op("payCash",                                   U,  U,  F,  F,  F,  OK, F,  F,  F,  OK, OK, OK, F,  U,  U);
    op("listTodaysPayments",                        U,  U,  F,  F,  F,  OK, F,  OK, F,  OK, OK, OK, OK, U,  U);
    op("getPayment",                                U,  U,  F,  F,  OK, OK, F,  OK, F,  OK, OK, OK, OK, U,  U);
    op("cancelPayment",                             U,  U,  F,  F,  OK, OK, F,  F,  F,  OK, OK, OK, F,  U,  U);
    op("listRefunds",                               U,  U,  F,  F,  F,  OK, F,  OK, F,  OK, OK, OK, OK, U,  U);
    op("refundPayment",                             U,  U,  F,  F,  F,  F,  F,  OK, F,  OK, OK, F,  OK, U,  U);
    op("resendReceipt",                             U,  U,  F,  F,  F,  OK, F,  OK, F,  OK, OK, OK, OK, U,  U);
    op("getReceipt",                                OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK);
    op("getSitePaymentSettings",                    U,  U,  F,  F,  OK, OK, F,  OK, F,  OK, OK, OK, OK, U,  U);
    op("putSitePaymentSettings",                    U,  U,  F,  F,  F,  F,  F,  OK, F,  OK, OK, F,  OK, U,  U);
    op("getQueuePaymentSettings",                   U,  U,  F,  F,  F,  OK, F,  OK, F,  OK, OK, OK, OK, U,  U);
    op("putQueuePaymentSettings",                   U,  U,  F,  F,  F,  F,  F,  OK, F,  OK, OK, F,  OK, U,  U);
    op("listCardReaders",                           U,  U,  F,  F,  F,  OK, F,  OK, F,  OK, OK, OK, OK, U,  U);
    op("putCardReader",                             U,  U,  F,  F,  F,  F,  F,  OK, F,  OK, OK, F,  OK, U,  U);
    op("getReconciliation",                         U,  U,  F,  F,  F,  F,  F,  OK, F,  OK, OK, F,  OK, U,  U);
    // insights
    op("getInsights",                               U,  U,  F,  F,  F,  F,  F,  OK, F,  OK, OK, F,  OK, U,  U);
    op("listInsightVisits",                         U,  U,  F,  F,  F,  F,  F,  OK, F,  OK, OK, F,  OK, U,  U);
    op("getInsightsLive",                           U,  U,  F,  F,  F,  F,  F,  OK, F,  OK, OK, F,  OK, U,  U);
    op("rebuildInsights",                           U,  U,  F,  F,  F,  F,  F,  OK, F,  OK, OK, F,  OK, U,  U);
    // signing in and out
    op("getSession",                                OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK);
    op("signIn",                                    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK);
    op("signOut",                                   U,  U,  F,  F,  F,  OK, OK, OK, OK, OK, OK, OK, OK, U,  U);
    op("createApiToken",                            OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK);
    op("changePassword",                            U,  U,  F,  F,  F,  OK, OK, OK, OK, OK, OK, OK, IDP,U,  U);
    op("setUpFirstAdmin",                           ONE,ONE,ONE,ONE,ONE,ONE,ONE,ONE,ONE,ONE,ONE,ONE,ONE,ONE,ONE);
    // accounts, devices and the audit log
    op("listStaffAccounts",                         U,  U,  F,  F,  F,  F,  F,  F,  F,  OK, F,  F,  F,  U,  U);
    op("createStaffAccount",                        U,  U,  F,  F,  F,  F,  F,  F,  F,  OK, F,  F,  F,  U,  U);
    op("updateStaffAccount",                        U,  U,  F,  F,  F,  F,  F,  F,  F,  OK, F,  F,  F,  U,  U);
    op("unlockStaffAccount",                        U,  U,  F,  F,  F,  F,  F,  F,  F,  OK, F,  F,  F,  U,  U);
    op("resetStaffPassword",                        U,  U,  F,  F,  F,  F,  F,  F,  F,  OK, F,  F,  F,  U,  U);
    op("createDevicePairing",                       U,  U,  F,  F,  F,  F,  F,  F,  F,  OK, OK, F,  F,  U,  U);
    op("listDevices",                               U,  U,  F,  F,  F,  F,  F,  OK, F,  OK, OK, F,  OK, U,  U);
    op("pairDevice",                                OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK);
    op("revokeDevice",                              U,  U,  F,  F,  F,  F,  F,  F,  F,  OK, OK, F,  F,  U,  U);
    // a manager of another site reads the log too, but only their own site's records (see AuditLogTest)
    op("queryAuditLog",                             U,  U,  F,  F,  F,  F,  F,  OK, OK, OK, OK, F,  OK, U,  U);
    // appointment sources (pms-sync): admins and managers of the site; the desk sees their state and match reviews
    op("listSources",                               U,  U,  F,  F,  F,  F,  F,  OK, F,  OK, OK, F,  OK, U,  U);
    op("createSource",                              U,  U,  F,  F,  F,  F,  F,  OK, F,  OK, OK, F,  OK, U,  U);
    op("getSource",                                 U,  U,  F,  F,  F,  F,  F,  OK, F,  OK, OK, F,  OK, U,  U);
    op("updateSource",                              U,  U,  F,  F,  F,  F,  F,  OK, F,  OK, OK, F,  OK, U,  U);
    op("deleteSource",                              U,  U,  F,  F,  F,  F,  F,  OK, F,  OK, OK, F,  OK, U,  U);
    op("syncSource",                                U,  U,  F,  F,  F,  F,  F,  OK, F,  OK, OK, F,  OK, U,  U);
    op("getSourceHealth",                           U,  U,  F,  F,  F,  F,  F,  OK, F,  OK, OK, F,  OK, U,  U);
    op("dryRunSource",                              U,  U,  F,  F,  F,  F,  F,  OK, F,  OK, OK, F,  OK, U,  U);
    op("uploadSourceFile",                          U,  U,  F,  F,  F,  F,  F,  OK, F,  OK, OK, F,  OK, U,  U);
    op("listDeadLetters",                           U,  U,  F,  F,  F,  F,  F,  OK, F,  OK, OK, F,  OK, U,  U);
    op("replayDeadLetter",                          U,  U,  F,  F,  F,  F,  F,  OK, F,  OK, OK, F,  OK, U,  U);
    op("getSiteSourceStatus",                       U,  U,  F,  F,  F,  OK, OK, OK, F,  OK, OK, OK, OK, U,  U);
    op("listMatchReviews",                          U,  U,  F,  F,  F,  OK, F,  OK, F,  OK, OK, OK, OK, U,  U);
    op("resolveMatchReview",                        U,  U,  F,  F,  F,  OK, F,  OK, F,  OK, OK, OK, OK, U,  U);
    // Waitline as a FHIR source: anyone reads what it serves; staff of the queue's site read patients (no devices)
    op("getFhirCapabilities",                       OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK);
    op("searchFhirAppointments",                    U,  U,  F,  F,  F,  OK, OK, OK, F,  OK, OK, OK, OK, U,  U);
    op("searchFhirEncounters",                      U,  U,  F,  F,  F,  OK, OK, OK, F,  OK, OK, OK, OK, U,  U);

    // live feeds:                                  ano pat tv  tv2 ksk dsk cln mgr mg2 adm sad ck  idp rev out
    feed("/ws/queues/" + GENERAL + "?view=display", U,  U,  OK, F,  F,  OK, OK, OK, F,  OK, OK, OK, OK, U,  U);
    feed("/ws/queues/" + GENERAL + "?view=staff",   U,  U,  F,  F,  F,  OK, OK, OK, F,  OK, OK, OK, OK, U,  U);
    feed("/ws/sites/" + SITE + "?view=display",     U,  U,  OK, F,  F,  OK, OK, OK, F,  OK, OK, OK, OK, U,  U);
    feed("/ws/sites/" + SITE + "?view=staff",       U,  U,  F,  F,  F,  OK, OK, OK, F,  OK, OK, OK, OK, U,  U);
    feed("/ws/visits/{token}",                      OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK);
  }

  private static void op(String operationId, Outcome... cells) {
    OPERATIONS.put(operationId, row(operationId, cells));
  }

  private static void feed(String uri, Outcome... cells) {
    FEEDS.put(uri, row(uri, cells));
  }

  private static Map<Kind, Outcome> row(String name, Outcome... cells) {
    if (cells.length != Kind.values().length) {
      throw new IllegalStateException("the row of " + name + " has " + cells.length + " cells, not "
          + Kind.values().length);
    }
    Map<Kind, Outcome> row = new EnumMap<>(Kind.class);
    for (Kind k : Kind.values()) row.put(k, cells[k.ordinal()]);
    return row;
  }

  private static final String IDP_CLIENT = "waitline";
  /** The OpenID Connect provider whose tokens the node trusts; started before the node reads its discovery document. */
  private static final MockOAuth2Server idp = startedIdp();

  @RegisterExtension
  static final TestApp app = TestApp.nodeWithOidc(OidcSettings.from(Map.of(
      "WAITLINE_OIDC_ISSUER", idp.issuerUrl("default").toString(), "WAITLINE_OIDC_CLIENT_ID", IDP_CLIENT,
      "WAITLINE_OIDC_CLIENT_SECRET", "not-a-real-secret")::get).orElseThrow());
  private static String otherSite;
  private static final Map<Kind, WebClient> clients = new EnumMap<>(Kind.class);
  private static final AtomicInteger counter = new AtomicInteger();

  @BeforeAll
  static void start() {
    app.adminToken(); // the first admin exists, so setup is over
    otherSite = app.newSite();
    for (Kind k : Kind.values()) clients.put(k, LoopbackClients.from(app, 100 + k.ordinal()));
  }

  @AfterAll
  static void stop() {
    clients.values().forEach(WebClient::close);
    if (fhirServer != null) fhirServer.close().await();
    idp.shutdown();
  }

  private static MockOAuth2Server startedIdp() {
    MockOAuth2Server server = new MockOAuth2Server();
    server.start();
    return server;
  }

  // --- the table covers the contract

  /** One operation of openapi.yaml. */
  private record Operation(String id, HttpMethod method, String path, boolean patient) {}

  @SuppressWarnings("unchecked")
  private static List<Operation> operations() {
    try (InputStream in = AuthorizationMatrixTest.class.getClassLoader().getResourceAsStream("openapi.yaml")) {
      Map<String, Object> doc = new Yaml().load(in);
      List<Operation> out = new ArrayList<>();
      ((Map<String, Map<String, Object>>) doc.get("paths")).forEach((path, item) -> item.forEach((key, value) -> {
        if (key.equals("parameters")) return;
        Map<String, Object> op = (Map<String, Object>) value;
        out.add(new Operation((String) op.get("operationId"), HttpMethod.valueOf(key.toUpperCase()), path,
            path.contains("{token}")));
      }));
      return out;
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void everyOperationOfTheContractHasARowAndARequestAndEveryWriteAnEffect() {
    List<String> ids = operations().stream().map(Operation::id).toList();
    assertThat(ids).hasSizeGreaterThan(50);
    assertThat(OPERATIONS.keySet()).as("rows of the table").containsExactlyInAnyOrderElementsOf(ids);
    assertThat(REQUESTS.keySet()).as("requests").containsExactlyInAnyOrderElementsOf(ids);
    List<String> writes = operations().stream().filter(op -> op.method() != HttpMethod.GET).map(Operation::id)
        .filter(id -> !WRITE_NOTHING.contains(id)).toList();
    assertThat(EFFECTS.keySet()).as("effects").containsExactlyInAnyOrderElementsOf(writes);
  }

  // --- effects: an allowed change must show in the database, not only in its status

  /**
   * For each operation that changes something, the table in which every allowed call must change a row (it may change
   * others too). Each request is made so that it really changes something: a new value, never the one already there.
   */
  private static final Map<String, String> EFFECTS = new LinkedHashMap<>();
  /** Writes that change nothing even when allowed: a dry run, and the first-admin setup that is already over. */
  private static final java.util.Set<String> WRITE_NOTHING = java.util.Set.of("dryRunSource", "setUpFirstAdmin");

  static {
    for (String op : List.of("createSite")) EFFECTS.put(op, "site");
    for (String op : List.of("createQueue", "pauseQueue", "resumeQueue", "setStaffOnDuty")) {
      EFFECTS.put(op, "service_queue");
    }
    EFFECTS.put("putQueueRota", "queue_rota_shift");
    EFFECTS.put("rebuildInsights", "insight_rollup");
    for (String op : List.of("kioskCheckIn", "checkIn", "addAppointment", "callNext", "arrive", "recall",
        "startService", "complete", "noShow", "requeue", "markLeft", "cancel", "undo", "transfer", "visitRunningLate",
        "visitLeave")) {
      EFFECTS.put(op, "entry");
    }
    EFFECTS.put("subscribeWebPush", "notify_web_push");
    EFFECTS.put("registerPushToken", "notify_push_token");
    EFFECTS.put("putNotificationPreferences", "notify_preference");
    EFFECTS.put("putSiteNotificationSettings", "notify_site_settings");
    EFFECTS.put("putQueueNotificationSettings", "notify_queue_settings");
    EFFECTS.put("retryNotification", "notify_intent");
    EFFECTS.put("putVisitCopay", "payment_visit_amount");
    for (String op : List.of("payCopay", "payCash", "cancelPayment")) EFFECTS.put(op, "payment");
    EFFECTS.put("refundPayment", "payment_refund");
    EFFECTS.put("resendReceipt", "notify_intent");
    EFFECTS.put("putSitePaymentSettings", "payment_site_setting");
    EFFECTS.put("putQueuePaymentSettings", "payment_queue_setting");
    EFFECTS.put("putCardReader", "payment_reader");
    for (String op : List.of("signIn", "signOut", "createApiToken")) EFFECTS.put(op, "staff_session");
    for (String op : List.of("changePassword", "createStaffAccount", "updateStaffAccount", "resetStaffPassword")) {
      EFFECTS.put(op, "staff_account");
    }
    EFFECTS.put("unlockStaffAccount", "password_failure");
    EFFECTS.put("createDevicePairing", "device_pairing");
    EFFECTS.put("pairDevice", "device");
    EFFECTS.put("revokeDevice", "device");
    for (String op : List.of("createSource", "updateSource", "deleteSource")) EFFECTS.put(op, "sync_source");
    EFFECTS.put("syncSource", "sync_state");
    EFFECTS.put("uploadSourceFile", "sync_appointment");
    EFFECTS.put("replayDeadLetter", "sync_dead_letter");
    EFFECTS.put("resolveMatchReview", "sync_match_review");
  }

  /**
   * The table an allowed call of {@code op} by {@code kind} must change: {@code EFFECTS}'s, except where a kind of
   * caller has its own (signing out with an identity provider's token refuses that token, as no session ends).
   */
  private static String effect(String op, Kind kind) {
    return op.equals("signOut") && kind == Kind.MANAGER_IDP ? "revoked_provider_token" : EFFECTS.get(op);
  }

  /**
   * The tables whose rows differ from {@code before} (TestApp#tableDigests: the rate-limit buckets, the audit log,
   * which records refusals too, and a device's last-seen time aside).
   */
  private static List<String> changedTables(Map<String, String> before) {
    Map<String, String> after = app.tableDigests();
    return before.keySet().stream().filter(t -> !before.get(t).equals(after.get(t))).toList();
  }

  /** A digest of every row of {@code table}. */
  private static String digest(String table) {
    return app.pool.query("SELECT md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) FROM \"" + table
        + "\" t").execute().await().iterator().next().getString(0);
  }

  // --- the operations

  @TestFactory
  Stream<DynamicTest> everyOperationAnswersEachKindOfCallerAsTheTableSays() {
    return operations().stream().map(op -> dynamicTest(op.id(), () -> {
      Map<Kind, Outcome> row = OPERATIONS.get(op.id());
      List<String> wrong = new ArrayList<>();
      // the refused cells first, all against one picture of every table: together they may change no row
      List<Kind> refused = Stream.of(Kind.values()).filter(kind -> row.get(kind) != OK).toList();
      Map<Kind, Call> calls = new EnumMap<>(Kind.class);
      Map<Kind, Credential> credentials = new EnumMap<>(Kind.class);
      for (Kind kind : refused) {
        calls.put(kind, REQUESTS.get(op.id()).get());
        credentials.put(kind, credential(op, kind));
      }
      app.settlePayments();
      Map<String, String> before = app.tableDigests();
      for (Kind kind : refused) {
        HttpResponse<Buffer> r = send(op, calls.get(kind), kind, credentials.get(kind));
        String problem = check(row.get(kind), r.statusCode(), r.getHeader("Content-Type"), r.bodyAsString());
        if (problem != null) wrong.add(kind + ": " + problem);
      }
      List<String> changed = changedTables(before);
      if (!changed.isEmpty()) wrong.add("the refused calls of " + refused + " changed " + changed);
      for (Kind kind : Kind.values()) {
        if (row.get(kind) != OK) continue;
        Call call = REQUESTS.get(op.id()).get();
        Credential credential = credential(op, kind);
        String effect = effect(op.id(), kind);
        String effectBefore = effect == null ? null : digest(effect);
        HttpResponse<Buffer> r = send(op, call, kind, credential);
        String problem = check(OK, r.statusCode(), r.getHeader("Content-Type"), r.bodyAsString());
        if (problem == null && effect != null && digest(effect).equals(effectBefore)) {
          problem = "answered " + r.statusCode() + " but changed no row of " + effect;
        }
        if (problem != null) wrong.add(kind + ": " + problem);
      }
      assertThat(wrong).as("cells of %s that differ from the table", op.id()).isEmpty();
    }));
  }

  /** The credential a cell sends; a patient sends no header, their link is the credential. */
  private static Credential credential(Operation op, Kind kind) {
    return kind == Kind.PATIENT && op.patient() ? Credential.NONE : credential(kind);
  }

  // --- the feeds

  @TestFactory
  Stream<DynamicTest> everyFeedAnswersEachKindOfCallerAsTheTableSays() {
    return FEEDS.entrySet().stream().map(row -> dynamicTest(row.getKey(), () -> {
      List<String> wrong = new ArrayList<>();
      for (Kind kind : Kind.values()) {
        Outcome expected = row.getValue().get(kind);
        String problem = openFeed(row.getKey(), kind, expected);
        if (problem != null) wrong.add(kind + ": " + problem);
      }
      assertThat(wrong).as("cells of %s that differ from the table", row.getKey()).isEmpty();
    }));
  }

  /** Null when the feed answered as expected, otherwise what happened. */
  private static String openFeed(String template, Kind kind, Outcome expected) {
    boolean visit = template.contains("{token}");
    String uri = visit ? template.replace("{token}", app.visitToken(waiting())) : template;
    Credential credential = kind == Kind.PATIENT && visit ? Credential.NONE : credential(kind);
    Map<String, String> headers = Map.of();
    if (credential.bearer() != null) {
      uri += (uri.contains("?") ? "&" : "?") + "access_token=" + credential.bearer();
    } else if (credential.session() != null) {
      // a browser sends its cookie with the page's own origin
      headers = Map.of("Cookie", credential.cookie(), "Origin", "http://localhost:" + app.port());
    }
    try (FeedClient feed = FeedClient.connect(app.webSockets, app.port(), uri, headers)) {
      JsonObject first = feed.next();
      if (expected != OK) return "opened (first message " + first.getString("type") + ") but expected " + expected;
      String type = first.getString("type");
      return type.equals(visit ? "visit" : "snapshot") ? null : "opened but sent " + first;
    } catch (UpgradeRejectedException e) {
      return check(expected, e.getStatus(), e.getHeaders() == null ? null : e.getHeaders().get("Content-Type"),
          e.getBody() == null ? "" : e.getBody().toString());
    }
  }

  // --- checking a cell

  /** Null when the answer fits the expected outcome, otherwise a description of the difference. */
  private static String check(Outcome expected, int status, String contentType, String body) {
    boolean fits = switch (expected) {
      case ALLOWED -> status >= 200 && status < 300;
      case UNAUTHENTICATED -> status == 401 && isProblem(contentType, body, 401);
      case FORBIDDEN -> status == 403 && isProblem(contentType, body, 403);
      case CONFLICT -> status == 409 && isProblem(contentType, body, 409);
    };
    if (fits) return null;
    return "expected " + expected + ", got " + status + " " + (body.length() > 300 ? body.substring(0, 300) : body);
  }

  private static boolean isProblem(String contentType, String body, int status) {
    if (contentType != null && contentType.startsWith("application/fhir+json")) return isOperationOutcome(body);
    if (contentType == null || !contentType.startsWith(Problems.CONTENT_TYPE)) return false;
    JsonObject p = new JsonObject(body);
    return p.getInteger("status") == status && p.getString("detail") != null && !p.getString("detail").isBlank();
  }

  /** FHIR's refusal (on the FHIR paths): an OperationOutcome whose issue says why in a sentence. */
  private static boolean isOperationOutcome(String body) {
    JsonObject outcome = new JsonObject(body);
    JsonArray issues = outcome.getJsonArray("issue");
    return "OperationOutcome".equals(outcome.getString("resourceType")) && issues != null && !issues.isEmpty()
        && !issues.getJsonObject(0).getString("diagnostics", "").isBlank();
  }

  // --- credentials: a fresh one for every cell

  /** What a caller sends: a bearer token, or a browser's session cookie with its CSRF token, or nothing. */
  private record Credential(String bearer, String session, String csrf) {
    static final Credential NONE = new Credential(null, null, null);

    static Credential bearer(String token) {
      return new Credential(token, null, null);
    }

    String cookie() {
      return "waitline_session=" + session;
    }
  }

  /** The credential a caller of this kind sends. */
  private static Credential credential(Kind kind) {
    return switch (kind) {
      case ANONYMOUS -> Credential.NONE;
      case PATIENT -> Credential.bearer(app.visitToken(waiting())); // all a patient holds is their link
      case DISPLAY -> Credential.bearer(app.deviceToken(SITE, DeviceKind.DISPLAY));
      case DISPLAY_OTHER_SITE -> Credential.bearer(app.deviceToken(otherSite, DeviceKind.DISPLAY));
      case KIOSK -> Credential.bearer(app.deviceToken(SITE, DeviceKind.KIOSK));
      case FRONT_DESK -> Credential.bearer(app.staffToken(SITE, Role.FRONT_DESK));
      case CLINICIAN -> Credential.bearer(app.staffToken(SITE, Role.CLINICIAN));
      case MANAGER -> Credential.bearer(app.staffToken(SITE, Role.MANAGER));
      case MANAGER_OTHER_SITE -> Credential.bearer(app.staffToken(otherSite, Role.MANAGER));
      case ADMIN -> Credential.bearer(app.staffToken(null, Role.ADMIN));
      case SITE_ADMIN -> Credential.bearer(app.staffToken(SITE, Role.ADMIN));
      case DESK_COOKIE -> {
        StaffAccount desk = app.account(SITE, Role.FRONT_DESK);
        IssuedSession s = app.access.sessions().open(desk.principal(null), desk.id(), "cookie", "127.0.0.1").await();
        yield new Credential(null, s.token(), s.csrfToken());
      }
      case MANAGER_IDP -> Credential.bearer(idp.issueToken("default", "matrix-" + counter.incrementAndGet(),
          IDP_CLIENT, Map.of("realm_access", Map.of("roles", List.of("manager@" + SITE))), 300).serialize());
      case REVOKED_DEVICE -> {
        PairedDevice d = app.device(SITE, DeviceKind.DISPLAY);
        app.access.devices().revoke(d.device().id()).await();
        yield Credential.bearer(d.token());
      }
      case SIGNED_OUT -> {
        String token = app.staffToken(null, Role.ADMIN);
        int status = app.anonymous(HttpMethod.DELETE, "/api/v1/auth/session")
            .putHeader("Authorization", "Bearer " + token).send().await().statusCode();
        assertThat(status).as("signing out").isEqualTo(204);
        yield Credential.bearer(token);
      }
    };
  }

  private static HttpResponse<Buffer> send(Operation op, Call call, Kind kind, Credential credential) {
    String path = op.path().replace("{siteId}", SITE).replace("{queueId}", call.queueId())
        .replace("{entryId}", String.valueOf(call.id())).replace("{notificationId}", String.valueOf(call.id()))
        .replace("{accountId}", String.valueOf(call.id())).replace("{deviceId}", String.valueOf(call.id()))
        .replace("{paymentId}", String.valueOf(call.id())).replace("{receiptToken}", String.valueOf(call.id()))
        .replace("{readerId}", String.valueOf(call.id()))
        .replace("{token}", String.valueOf(call.visitToken())).replace("{sourceId}", String.valueOf(call.id()))
        .replace("{deadLetterId}", String.valueOf(call.id())).replace("{reviewId}", String.valueOf(call.id()))
        + (call.query() == null ? "" : "?" + call.query());
    HttpRequest<Buffer> request = clients.get(kind).request(op.method(), path);
    if (credential.bearer() != null) request.putHeader("Authorization", "Bearer " + credential.bearer());
    if (credential.session() != null) {
      request.putHeader("Cookie", credential.cookie());
      if (op.method() != HttpMethod.GET) request.putHeader("X-CSRF-Token", credential.csrf());
    }
    if (call.csv() != null) {
      return request.putHeader("Content-Type", "text/csv").sendBuffer(Buffer.buffer(call.csv())).await();
    }
    return call.body() == null ? request.send().await() : request.sendJsonObject(call.body()).await();
  }

  // --- requests: for each operation, one that succeeds for a caller who may make it

  /**
   * Path parameters and body of one request; {@code id} fills an entry, notification, account or device slot. The body
   * is JSON, or a CSV file's text in {@code csv}.
   */
  private record Call(String queueId, String id, String visitToken, JsonObject body, String csv, String query) {
    static Call plain() {
      return new Call(GENERAL, null, null, null, null, null);
    }

    static Call body(JsonObject body) {
      return new Call(GENERAL, null, null, body, null, null);
    }

    static Call queue(String queueId, JsonObject body) {
      return new Call(queueId, null, null, body, null, null);
    }

    static Call id(Object id, JsonObject body) {
      return new Call(GENERAL, id.toString(), null, body, null, null);
    }

    static Call visit(JsonObject body) {
      return new Call(GENERAL, null, app.visitToken(waiting()), body, null, null);
    }

    static Call csv(Object id, String csv) {
      return new Call(GENERAL, id.toString(), null, null, csv, null);
    }

    /** A request whose path takes a query string (FHIR searches name their queue there). */
    static Call query(String query) {
      return new Call(GENERAL, null, null, null, null, query);
    }
  }

  private static Entry waiting() {
    return app.checkIn(GENERAL, "Matrix Walker " + counter.incrementAndGet());
  }

  private static Entry called() {
    return app.calledAlone("Matrix Called " + counter.incrementAndGet());
  }

  private static JsonObject patient() {
    return new JsonObject().put("patient", new JsonObject().put("name", "Matrix Newcomer " + counter.incrementAndGet()));
  }

  private static UUID notification(String state) {
    return StoredNotifications.called(app.pool, waiting(), state);
  }

  /** A co-pay paid in cash for a new walk-in. */
  private static JsonObject cashPayment() {
    return app.payments.payCash(waiting().id(), null, "test").await();
  }

  /** A co-pay under way on a sandbox reader of its own (not captured, so it can be cancelled). */
  private static String cardPayment() {
    return app.payments.pay(waiting().id(), "desk", app.newReader("desk"), "test").await().getString("id");
  }

  /** The account, locked after five wrong passwords from one address. */
  private static StaffAccount locked(StaffAccount account) {
    app.pool.preparedQuery("INSERT INTO password_failure (username, remote_address, failures, last_failed_at,"
        + " locked_until) VALUES ($1, '203.0.113.9', 5, now(), now() + interval '15 minutes')")
        .execute(io.vertx.sqlclient.Tuple.of(account.username())).await();
    return account;
  }

  private static JsonObject credentials() {
    StaffAccount a = app.account(SITE, Role.FRONT_DESK);
    return new JsonObject().put("username", a.username()).put("password", TestApp.PASSWORD);
  }

  private static final Map<String, Supplier<Call>> REQUESTS = new LinkedHashMap<>();

  static {
    REQUESTS.put("listSites", Call::plain);
    REQUESTS.put("createSite", () -> Call.body(new JsonObject().put("id", "matrix-site-" + counter.incrementAndGet())
        .put("name", "Hillside").put("timeZone", "Europe/Paris")));
    REQUESTS.put("getSite", Call::plain);
    REQUESTS.put("listQueues", Call::plain);
    REQUESTS.put("createQueue", () -> Call.body(new JsonObject().put("id", "matrix-q-" + counter.incrementAndGet())
        .put("name", "X-ray").put("ticketPrefix", "X")));
    REQUESTS.put("listTodaysEntries", Call::plain);
    REQUESTS.put("kioskCheckIn", () -> {
      String name = "Matrix Kiosk " + counter.incrementAndGet();
      app.commands.expect(GENERAL, new CheckIn(new Patient(name, LocalDate.of(1975, 6, 1), null, null, null),
          Priority.NORMAL, app.clock.instant(), null), "test").await();
      return Call.body(new JsonObject().put("name", name).put("birthDate", "1975-06-01"));
    });
    REQUESTS.put("getQueue", Call::plain);
    REQUESTS.put("getQueueSnapshot", Call::plain);
    REQUESTS.put("getQueueBoard", Call::plain);
    REQUESTS.put("listQueueEvents", Call::plain);
    REQUESTS.put("checkIn", () -> Call.body(patient()));
    REQUESTS.put("addAppointment", () -> Call.body(patient()
        .put("appointmentAt", app.clock.instant().plus(Duration.ofHours(3)).toString())));
    REQUESTS.put("callNext", () -> {
      String queue = app.newQueue();
      app.checkIn(queue, "Matrix Next " + counter.incrementAndGet());
      return Call.queue(queue, new JsonObject().put("calledTo", "Room 1"));
    });
    REQUESTS.put("pauseQueue", () -> Call.queue(app.newQueue(), null));
    REQUESTS.put("resumeQueue", () -> {
      String queue = app.newQueue();
      app.commands.pause(queue, true, "test").await();
      return Call.queue(queue, null);
    });
    REQUESTS.put("setStaffOnDuty", () -> Call.body(new JsonObject().put("staffOnDuty",
        1 + counter.incrementAndGet() % 500)));
    REQUESTS.put("getQueueRota", Call::plain);
    REQUESTS.put("putQueueRota", () -> Call.body(new JsonObject().put("shifts", new JsonArray().add(new JsonObject()
        .put("day", "monday").put("desk", "Room " + counter.incrementAndGet()).put("from", "08:00")
        .put("to", "12:00")))));
    REQUESTS.put("getEntry", () -> Call.id(waiting().id(), null));
    REQUESTS.put("arrive", () -> Call.id(app.commands.expect(GENERAL, new CheckIn(new Patient("Matrix Expected "
        + counter.incrementAndGet(), null, null, null, null), Priority.NORMAL,
        app.clock.instant().plus(Duration.ofHours(2)), null), "test").await().entry().id(), null));
    REQUESTS.put("recall", () -> Call.id(called().id(), null));
    REQUESTS.put("startService", () -> Call.id(called().id(), null));
    REQUESTS.put("complete", () -> {
      Entry e = called();
      app.commands.startService(e.id(), "test").await();
      return Call.id(e.id(), null);
    });
    REQUESTS.put("noShow", () -> Call.id(called().id(), null));
    REQUESTS.put("requeue", () -> Call.id(called().id(), null));
    REQUESTS.put("markLeft", () -> Call.id(waiting().id(), null));
    REQUESTS.put("cancel", () -> Call.id(waiting().id(), null));
    REQUESTS.put("undo", () -> Call.id(called().id(), null));
    REQUESTS.put("transfer", () -> Call.id(waiting().id(), new JsonObject().put("queueId", LAB)));
    REQUESTS.put("getVisit", () -> Call.visit(null));
    REQUESTS.put("visitRunningLate", () -> Call.visit(null));
    REQUESTS.put("visitLeave", () -> Call.visit(null));
    REQUESTS.put("subscribeWebPush", () -> Call.visit(new JsonObject()
        .put("endpoint", "https://fcm.googleapis.com/fcm/send/matrix-" + counter.incrementAndGet())
        .put("keys", new JsonObject().put("auth", "c2l4dGVlbiBieXRlIGtleQ").put("p256dh", "BCVxsr7N_eNgVRqvHtD0zTZsEc6-"
            + "VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4"))));
    REQUESTS.put("registerPushToken", () -> Call.visit(new JsonObject().put("token", "fcm-token-matrix")
        .put("platform", "android")));
    REQUESTS.put("getNotificationPreferences", () -> Call.visit(null));
    REQUESTS.put("putNotificationPreferences", () -> Call.visit(new JsonObject()
        .put("channels", new JsonArray().add("sms")).put("language", "fr")));
    REQUESTS.put("getWebPushPublicKey", Call::plain);
    REQUESTS.put("listSiteNotifications", Call::plain);
    REQUESTS.put("getSiteNotificationSettings", Call::plain);
    REQUESTS.put("putSiteNotificationSettings", () -> Call.body(new JsonObject().put("quietHours",
        String.format("21:%02d-07:00", counter.incrementAndGet() % 60))));
    REQUESTS.put("getQueueNotificationSettings", Call::plain);
    REQUESTS.put("putQueueNotificationSettings", () -> Call.body(new JsonObject()
        .put("positionAlerts", new JsonArray().add(3)).put("longWaitMinutes", 5 + counter.incrementAndGet() % 1000)));
    REQUESTS.put("getNotification", () -> Call.id(notification("sent"), null));
    REQUESTS.put("listEntryNotifications", () -> Call.id(waiting().id(), null));
    REQUESTS.put("retryNotification", () -> Call.id(notification("failed"), null));
    REQUESTS.put("getCopay", () -> Call.id(waiting().id(), null));
    REQUESTS.put("putVisitCopay", () -> Call.id(waiting().id(), new JsonObject().put("amountMinor", 1500)));
    REQUESTS.put("payCopay", () -> Call.id(waiting().id(), new JsonObject().put("station", "desk")
        .put("readerId", app.newReader("kiosk"))));
    REQUESTS.put("payCash", () -> Call.id(waiting().id(), new JsonObject()));
    REQUESTS.put("listTodaysPayments", Call::plain);
    REQUESTS.put("getPayment", () -> Call.id(cashPayment().getString("id"), null));
    REQUESTS.put("cancelPayment", () -> Call.id(cardPayment(), null));
    REQUESTS.put("listRefunds", () -> Call.id(cashPayment().getString("id"), null));
    REQUESTS.put("refundPayment", () -> Call.id(cashPayment().getString("id"), new JsonObject()
        .put("amountMinor", 100).put("reason", "Matrix refund")));
    REQUESTS.put("resendReceipt", () -> Call.id(cashPayment().getString("id"), null));
    REQUESTS.put("getReceipt", () -> {
      String url = cashPayment().getString("receiptUrl");
      return Call.id(url.substring(url.lastIndexOf('/') + 1), null);
    });
    REQUESTS.put("getSitePaymentSettings", Call::plain);
    REQUESTS.put("putSitePaymentSettings", () -> {
      app.payments.saveSiteSetting(new Settings.SiteSetting(SITE, "eur", false)).await(); // so that true is a change
      return Call.body(new JsonObject().put("currency", "eur").put("kioskSkippable", true));
    });
    REQUESTS.put("getQueuePaymentSettings", Call::plain);
    REQUESTS.put("putQueuePaymentSettings", () -> Call.body(new JsonObject()
        .put("amountMinor", 2000 + counter.incrementAndGet())
        .put("collect", "kiosk")));
    REQUESTS.put("listCardReaders", Call::plain);
    REQUESTS.put("putCardReader", () -> Call.id("sbx_matrix_" + counter.incrementAndGet(), new JsonObject()
        .put("station", "desk").put("label", "Desk 2")));
    REQUESTS.put("getReconciliation", Call::plain);
    REQUESTS.put("getInsights", Call::plain);
    REQUESTS.put("listInsightVisits", Call::plain);
    REQUESTS.put("getInsightsLive", Call::plain);
    REQUESTS.put("rebuildInsights", () -> Call.body(new JsonObject().put("from",
        java.time.LocalDate.ofInstant(app.clock.instant(), java.time.ZoneOffset.UTC).minusDays(3).toString())));
    REQUESTS.put("getSession", Call::plain);
    REQUESTS.put("signIn", () -> Call.body(credentials()));
    REQUESTS.put("signOut", Call::plain); // signs out the cell's own fresh credential
    REQUESTS.put("createApiToken", () -> Call.body(credentials()));
    REQUESTS.put("changePassword", () -> Call.body(new JsonObject().put("currentPassword", TestApp.PASSWORD)
        .put("newPassword", "a different long passphrase " + counter.incrementAndGet())));
    REQUESTS.put("setUpFirstAdmin", () -> Call.body(new JsonObject().put("code", "ABCD-EFGH-JKMN-PQRS-TVWX")
        .put("username", "late-admin").put("displayName", "Late Admin").put("password", TestApp.PASSWORD)));
    REQUESTS.put("listStaffAccounts", Call::plain);
    REQUESTS.put("createStaffAccount", () -> Call.body(new JsonObject()
        .put("username", "matrix-" + counter.incrementAndGet()).put("displayName", "New Person")
        .put("password", TestApp.PASSWORD)
        .put("roles", new JsonArray().add(new JsonObject().put("role", "front-desk").put("siteId", SITE)))));
    REQUESTS.put("updateStaffAccount", () -> Call.id(app.account(SITE, Role.CLINICIAN).id(),
        new JsonObject().put("displayName", "Renamed Person")));
    REQUESTS.put("unlockStaffAccount", () -> Call.id(locked(app.account(SITE, Role.CLINICIAN)).id(), null));
    REQUESTS.put("resetStaffPassword", () -> Call.id(app.account(SITE, Role.CLINICIAN).id(),
        new JsonObject().put("newPassword", "a brand new passphrase")));
    REQUESTS.put("createDevicePairing", () -> Call.body(new JsonObject().put("kind", "display")
        .put("name", "Matrix TV " + counter.incrementAndGet())));
    REQUESTS.put("listDevices", Call::plain);
    REQUESTS.put("pairDevice", () -> Call.body(new JsonObject().put("code", app.access.devices()
        .startPairing(SITE, DeviceKind.KIOSK, "Matrix kiosk " + counter.incrementAndGet(), "test").await().code())));
    REQUESTS.put("revokeDevice", () -> Call.id(app.device(SITE, DeviceKind.DISPLAY).device().id(), null));
    REQUESTS.put("queryAuditLog", Call::plain);
    REQUESTS.put("listSources", Call::plain);
    REQUESTS.put("createSource", () -> Call.body(sourceInput()));
    REQUESTS.put("getSource", () -> Call.id(source(), null));
    REQUESTS.put("updateSource", () -> Call.id(source(), new JsonObject().put("name", "Renamed")));
    REQUESTS.put("deleteSource", () -> Call.id(source(), null));
    REQUESTS.put("syncSource", () -> Call.id(source(), null));
    REQUESTS.put("getSourceHealth", () -> Call.id(source(), null));
    REQUESTS.put("dryRunSource", () -> Call.id(source(), new JsonObject(FhirContext.forR4Cached().newJsonParser()
        .encodeResourceToString(new Bundle().setType(Bundle.BundleType.COLLECTION)))));
    REQUESTS.put("uploadSourceFile", () -> Call.csv(app.csvSource(),
        app.csvFile("matrix-" + counter.incrementAndGet(), "Matrix Upload")));
    REQUESTS.put("listDeadLetters", () -> Call.id(source(), null));
    REQUESTS.put("replayDeadLetter", () -> Call.id(deadLetter(), null));
    REQUESTS.put("getSiteSourceStatus", Call::plain);
    REQUESTS.put("listMatchReviews", Call::plain);
    REQUESTS.put("resolveMatchReview", () -> Call.id(matchReview(),
        new JsonObject().put("decision", "different-patients")));
    REQUESTS.put("getFhirCapabilities", Call::plain);
    REQUESTS.put("searchFhirAppointments", () -> Call.query("location=" + GENERAL));
    REQUESTS.put("searchFhirEncounters", () -> Call.query("location=Location/" + GENERAL));
  }

  // --- appointment sources: a FHIR server with no appointments, built with HAPI's model

  private static io.vertx.core.http.HttpServer fhirServer;

  private static synchronized String emptyFhirServer() {
    if (fhirServer == null) {
      String empty = FhirContext.forR4Cached().newJsonParser()
          .encodeResourceToString(new Bundle().setType(Bundle.BundleType.SEARCHSET).setTotal(0));
      fhirServer = app.vertx.createHttpServer().requestHandler(req -> req.response()
          .putHeader("Content-Type", "application/fhir+json").end(empty)).listen(0).await();
    }
    return "http://localhost:" + fhirServer.actualPort() + "/fhir";
  }

  private static JsonObject sourceInput() {
    return new JsonObject().put("kind", "fhir-r4").put("name", "Matrix EHR " + counter.incrementAndGet())
        .put("baseUrl", emptyFhirServer()).put("auth", new JsonObject().put("type", "bearer").put("token", "t0k"))
        .put("mapping", new JsonObject().put("defaultQueue", GENERAL));
  }

  private static UUID source() {
    return app.sync.create(SITE, sourceInput()).await().id();
  }

  private static UUID deadLetter() {
    UUID id = UUID.randomUUID();
    app.pool.preparedQuery("INSERT INTO sync_dead_letter (id, source_id, external_id, version, version_order,"
        + " payload, reason, created_at) VALUES ($1, $2, 'Appointment/x', '1', 1, '{}', 'The record holds no"
        + " Appointment.', now())").execute(io.vertx.sqlclient.Tuple.of(id, source())).await();
    return id;
  }

  private static UUID matchReview() {
    UUID a = UUID.randomUUID();
    UUID b = UUID.randomUUID();
    UUID review = UUID.randomUUID();
    for (UUID p : new UUID[] {a, b}) {
      app.pool.preparedQuery("INSERT INTO sync_patient (id, site_id, name, birth_date, created_at)"
          + " VALUES ($1, $2, 'Matrix Twin', '1970-01-01', now())").execute(io.vertx.sqlclient.Tuple.of(p, SITE))
          .await();
    }
    app.pool.preparedQuery("INSERT INTO sync_match_review (id, site_id, patient_id, candidate_id, status, created_at)"
        + " VALUES ($1, $2, $3, $4, 'open', now())").execute(io.vertx.sqlclient.Tuple.of(review, SITE, a, b)).await();
    return review;
  }
}
