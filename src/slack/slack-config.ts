/** What the Slack adapter needs, narrowed from Config once Slack is known to be on. */
export type SlackConfigOn =
  | {
      mode: 'http';
      botToken: string;
      signingSecret: string;
      apiUrl?: string;
      /** Web API retries; tests pass 0 so a failing fake does not hang them. */
      retries?: number;
      botId?: string;
      botUserId?: string;
      appToken?: undefined;
    }
  | {
      mode: 'socket';
      botToken: string;
      appToken: string;
      apiUrl?: string;
      retries?: number;
      botId?: string;
      botUserId?: string;
      signingSecret?: string;
      /** Waits between Socket Mode connection attempts (tests pass short ones). */
      reconnectDelaysMs?: number[];
    };
