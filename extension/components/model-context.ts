// Provides the panel model to components (one fresh model per panel, and per test).
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { PanelModel } from '../lib/panel/model';

export const PanelModelContext = createContext<PanelModel | null>(null);

export function useModel(): PanelModel {
  const model = useContext(PanelModelContext);
  if (!model) throw new Error('PanelModelContext is missing');
  return model;
}
