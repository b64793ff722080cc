import type { Express } from 'express';
import type { ChatServices } from '../chat/chat-services.ts';

/**
 * GET /packs/<token>: the evidence pack a person asked for on Teams, once. The token is the pack's id
 * and expiry signed with the bot's HMAC key (15 minutes); a forged, expired or used token is 404.
 */
export function mountPackDownloads(http: Express, services: Pick<ChatServices, 'evidencePack'>): void {
  http.get('/packs/:token', (req, res) => {
    const pack = services.evidencePack.take(req.params.token);
    res.setHeader('Cache-Control', 'no-store');
    if (!pack) {
      res.status(404).type('text/plain').send('No such pack: the link was used already, has expired, or is not one the bot made.');
      return;
    }
    res.status(200).type('application/zip').setHeader('Content-Disposition', `attachment; filename="${pack.filename}"`);
    res.send(pack.bytes);
  });
}
