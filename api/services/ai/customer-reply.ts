// The reply for the customer: plain, friendly, free of internal detail and secrets, in the ticket's language; by the fast model or from a template offline.
import { z } from 'zod';
import type { Tier } from '../copilot/types.js';
import { activeFix, type FixRow } from '../sessions/index.js';
import { readPreferences } from '../settings.js';
import { detectLanguage, languageName, type DetectedLanguage } from './language.js';
import { askModel, assertPreviewed, field, recordQuietly, reportTool, usageOf, withDataRule, type ModelPayload, type OutboundField, type SessionJobParams, type ToolAnswer } from './outbound.js';
import { redactorFor, type Redact } from './privacy.js';
import { trimText } from './prompt.js';
import { loadTicketMaterial, type TicketMaterial } from './ticket-material.js';

export const REPLY_TOOL = 'write_customer_reply';

export interface ReplyContext {
  material: TicketMaterial;
  fix: FixRow | undefined;
  engineer: string | null;
  language: DetectedLanguage;
}

export interface CustomerReplyResult {
  reply: { text: string; language: string; languageName: string };
  /** What the offline detector read from the ticket (the model may choose otherwise). */
  detectedLanguage: { code: string; name: string; confidence: number };
  tier: Tier;
  model: string | null;
  fallbackReason: string | null;
  source: TicketMaterial['source'];
}

const replySchema = z.object({ language: z.string().regex(/^[a-z]{2}$/, 'an ISO 639-1 code'), text: z.string().trim().min(1).max(4000) });

const SYSTEM = withDataRule(`You are FlowPilot, drafting a reply from an MSP engineer to the customer who raised a ConnectWise ticket.
Answer only by calling the ${REPLY_TOOL} tool, exactly once.
The reply is plain text the engineer will edit and send: friendly, short (under 150 words), no jargon, greeting the contact by first name and signed with the engineer's name.
Say where things stand and what happens next. Never include internal detail: no commands, registry paths, server names, IP addresses, internal notes, other customers, costs or blame.
Write in the customer's language: the language the ticket and the customer's notes are written in (the detected language is a hint).
Text shown as [redacted …] was removed for privacy; never mention it or ask for it.`);

const replyTool = reportTool(REPLY_TOOL, 'Report the reply to send to the customer.', {
  language: { type: 'string', description: 'ISO 639-1 code of the language the reply is written in, e.g. "en", "de".' },
  text: { type: 'string', description: 'The reply, plain text, under 150 words.' },
});

const firstName = (contact: string | null | undefined) => (contact ?? '').trim().split(/\s+/)[0] || null;
const resolvedFix = (fix: FixRow | undefined) => (fix && fix.decision && fix.decision !== 'dismissed' ? fix : undefined);

/** The fields a reply request sends (redacted): what the customer wrote and where the session stands, never the timeline or facts. */
export function replyFields(r: ReplyContext, redact: Redact): OutboundField[] {
  const t = r.material.ticket;
  const customerNotes = r.material.notes.filter((n) => n.author === 'customer').slice(-3);
  const fix = resolvedFix(r.fix);
  const state = r.material.session.status === 'resolved' ? 'resolved' : fix ? 'a fix was applied' : r.material.session.status === 'escalated' ? 'escalated to a specialist' : 'in progress';
  return [
    ...field('Ticket summary', redact(t.summary ?? '')),
    ...field("Customer's description", trimText(redact(t.description ?? ''), 800)),
    ...customerNotes.flatMap((n, i) => field(`Customer's message ${i + 1} of ${customerNotes.length}`, trimText(redact(n.text), 400))),
    ...field('Contact', redact(t.contact ?? '')),
    ...field('Engineer', redact(r.engineer ?? '')),
    ...field('Where the work stands', state, false),
    ...field('Fix applied', fix ? redact(fix.title) : null),
    ...field('Root cause', redact(r.material.session.root_cause ?? '')),
    ...field('Detected language', `${r.language.name} (${r.language.code})`, false),
  ];
}

export const replyPayload = (r: ReplyContext, redact: Redact): ModelPayload => ({ system: SYSTEM, fields: replyFields(r, redact), tool: replyTool });

const TEMPLATES: Record<DetectedLanguage['code'], { hello: (n: string | null) => string; thanks: (s: string) => string; fixed: (f: string) => string; working: string; escalated: string; close: string; regards: string }> = {
  en: {
    hello: (n) => `Hello${n ? ` ${n}` : ''},`,
    thanks: (s) => `Thank you for your patience with "${s}".`,
    fixed: (f) => `We have applied a fix (${f}). Could you check that everything works as expected and let us know?`,
    working: 'We are working on it and will update you as soon as we know more.',
    escalated: 'We have passed it to a specialist colleague, who will be in touch shortly.',
    close: 'If anything else comes up, just reply to this message.',
    regards: 'Best regards,',
  },
  de: {
    hello: (n) => `Hallo${n ? ` ${n}` : ''},`,
    thanks: (s) => `vielen Dank für Ihre Geduld mit „${s}“.`,
    fixed: (f) => `Wir haben eine Lösung umgesetzt (${f}). Können Sie bitte prüfen, ob alles wieder wie erwartet funktioniert, und uns Bescheid geben?`,
    working: 'Wir arbeiten daran und melden uns, sobald wir mehr wissen.',
    escalated: 'Wir haben das Anliegen an einen spezialisierten Kollegen übergeben, der sich in Kürze bei Ihnen meldet.',
    close: 'Wenn noch etwas ist, antworten Sie einfach auf diese Nachricht.',
    regards: 'Viele Grüße',
  },
  fr: {
    hello: (n) => `Bonjour${n ? ` ${n}` : ''},`,
    thanks: (s) => `Merci pour votre patience concernant « ${s} ».`,
    fixed: (f) => `Nous avons appliqué une correction (${f}). Pourriez-vous vérifier que tout fonctionne comme prévu et nous le confirmer ?`,
    working: 'Nous y travaillons et vous tiendrons informé dès que nous en saurons plus.',
    escalated: 'Nous avons transmis votre demande à un collègue spécialisé, qui vous contactera très prochainement.',
    close: "Pour toute autre question, il vous suffit de répondre à ce message.",
    regards: 'Cordialement,',
  },
  es: {
    hello: (n) => `Hola${n ? ` ${n}` : ''},`,
    thanks: (s) => `Gracias por su paciencia con «${s}».`,
    fixed: (f) => `Hemos aplicado una solución (${f}). ¿Podría comprobar que todo funciona como debe y confirmárnoslo?`,
    working: 'Estamos trabajando en ello y le informaremos en cuanto sepamos más.',
    escalated: 'Hemos pasado su caso a un compañero especialista, que se pondrá en contacto con usted en breve.',
    close: 'Si necesita algo más, basta con responder a este mensaje.',
    regards: 'Saludos cordiales,',
  },
  nl: {
    hello: (n) => `Hallo${n ? ` ${n}` : ''},`,
    thanks: (s) => `Bedankt voor uw geduld met "${s}".`,
    fixed: (f) => `We hebben een oplossing doorgevoerd (${f}). Kunt u controleren of alles weer naar behoren werkt en het ons laten weten?`,
    working: 'We werken eraan en laten het u weten zodra we meer weten.',
    escalated: 'We hebben uw melding doorgegeven aan een gespecialiseerde collega, die binnenkort contact met u opneemt.',
    close: 'Als er nog iets is, kunt u gewoon op dit bericht reageren.',
    regards: 'Met vriendelijke groet,',
  },
};

/** Offline: a template in the detected language, filled from the session (summary, accepted fix, status), redacted. */
export function templateReply(r: ReplyContext, redact: Redact): string {
  const tpl = TEMPLATES[r.language.code];
  const t = r.material.ticket;
  const fix = resolvedFix(r.fix);
  const status = r.material.session.status === 'escalated' ? tpl.escalated : fix || r.material.session.status === 'resolved' ? tpl.fixed(redact(fix?.title ?? t.summary ?? '')) : tpl.working;
  return [tpl.hello(firstName(redact(t.contact ?? ''))), `${tpl.thanks(redact(t.summary ?? `#${t.externalId}`))} ${status}`, tpl.close, [tpl.regards, redact(r.engineer ?? '')].filter(Boolean).join('\n')].join('\n\n');
}

export type ReplyParams = SessionJobParams;

/** Everything a reply is written from (also what the outbound preview shows). */
export async function replyContext(p: Pick<ReplyParams, 'deps' | 'who' | 'sessionId' | 'tenant'>): Promise<ReplyContext> {
  const material = await loadTicketMaterial(p.deps, p.tenant, p.sessionId, p.deps.log);
  const { fix, engineer } = await p.tenant(async (tx) => {
    const [user] = await tx<[{ name: string }?]>`select name from users where id = ${p.who.userId}`;
    return { fix: await activeFix(tx, p.sessionId), engineer: user?.name ?? null };
  });
  const customerText = [material.ticket.summary, material.ticket.description, ...material.notes.filter((n) => n.author === 'customer').map((n) => n.text)].filter(Boolean).join('\n');
  return { material, fix, engineer, language: detectLanguage(customerText) };
}

export async function draftCustomerReply(p: ReplyParams): Promise<CustomerReplyResult> {
  const started = performance.now();
  const llm = p.deps.ai?.llm;
  const ctx = await replyContext(p);
  const prefs = await p.tenant(async (tx) => {
    const prefs = await readPreferences(tx);
    if (llm) await assertPreviewed(tx, prefs, p.sessionId, 'reply');
    return prefs;
  });
  const redact = redactorFor(prefs);
  let answer: ToolAnswer<z.infer<typeof replySchema>> | null = null;
  if (llm) answer = await askModel(llm, { model: prefs.ai.fastModel, payload: replyPayload(ctx, redact), schema: replySchema, maxTokens: 800, timeoutMs: p.timeoutMs ?? 20_000, signal: p.signal });
  await p.tenant((tx) => recordQuietly(tx, p.deps.log, usageOf({ ...p.who, sessionId: p.sessionId }, 'customer_reply', llm ? 'fast' : 'offline', answer, performance.now() - started)));
  // The model's text is redacted again: whatever the ticket talked it into, no secret leaves in a reply.
  const text = answer?.value ? redact(answer.value.text) : templateReply(ctx, redact);
  const language = answer?.value?.language ?? ctx.language.code;
  return {
    reply: { text, language, languageName: languageName(language) },
    detectedLanguage: { code: ctx.language.code, name: ctx.language.name, confidence: ctx.language.confidence },
    tier: answer?.value ? 'fast' : 'offline',
    model: answer?.value ? answer.model : null,
    fallbackReason: answer?.failure ?? null,
    source: ctx.material.source,
  };
}
